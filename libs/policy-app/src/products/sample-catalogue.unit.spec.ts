import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_CATALOGUE } from './sample-catalogue';

describe('sample catalogue', () => {
  it('samples/products.json is the embedded sample catalogue, entry for entry (the import file format)', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '../../../../samples/products.json'), 'utf8'));

    expect(file).toEqual(SAMPLE_CATALOGUE);
    expect(file.map((entry: { productCode: string }) => entry.productCode)).toEqual([
      'CN-ENDOW-20',
      'CN-WL-1',
      'CN-TERM-20',
      'US-WL-1',
    ]);
  });
});
