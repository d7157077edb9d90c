/**
 * `policyctl products import <file.json>` on an embedded data dir written by the API: valid entries are published
 * through the domain's PublishProductVersion, invalid ones are reported with their problems (exit 1), an entry equal
 * to the latest version is unchanged, so importing the same file twice writes nothing; the API then lists them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { bearer, makeDataDir, removeDataDir, startTestApi } from '@lib/policy-app/testing';
import { runCli } from '../src/cli';
import type { CliIo } from '../src/cli-io';

async function policyctl(dataDir: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    signal: new AbortController().signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

async function productEvents(dataDir: string) {
  const store = await SqliteEventStore.open({ path: join(dataDir, 'events.sqlite') });
  try {
    return (await store.readAll()).filter((event) => event.streamId.startsWith('product-'));
  } finally {
    await store.close();
  }
}

const SAMPLES = JSON.parse(readFileSync(join(__dirname, '../../../samples/products.json'), 'utf8')) as {
  productCode: string;
}[];

describe('policyctl products import', () => {
  const dataDir = makeDataDir();
  const file = (name: string, entries: unknown) => {
    const path = join(dataDir, name);
    writeFileSync(path, JSON.stringify(entries));
    return path;
  };
  // A CN product may not give less than the law's 15 days of free look, nor keep more than 10 CNY.
  const tooShortFreeLook = {
    ...SAMPLES[0],
    productCode: 'CN-BAD-1',
    freeLook: { days: 10, costDeduction: { amount: 2_000, currency: 'CNY' } },
  };

  beforeAll(async () => {
    const api = await startTestApi({ dataDir }); // publishes the fixture product ENDOW-4
    await api.close();
  });
  afterAll(() => removeDataDir(dataDir));

  it('publishes the valid entries, reports the invalid one with its problems and exits 1', async () => {
    const run = await policyctl(dataDir, 'products', 'import', file('catalogue.json', [...SAMPLES, tooShortFreeLook]));

    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([
      'entry 1  CN-ENDOW-20  published version 1',
      'entry 2  CN-WL-1  published version 1',
      'entry 3  CN-TERM-20  published version 1',
      'entry 4  US-WL-1  published version 1',
      "entry 5  CN-BAD-1  rejected: freeLook.days: at least the law's 15 (CN), at most 366; " +
        "freeLook.costDeduction: from 0 to the law's 1000 (CN)",
      '5 entries: 4 published, 0 unchanged, 1 rejected',
    ]);
    expect(run.stderr).toContain('importing');
    const events = await productEvents(dataDir);
    // ENDOW-4 of the harness, then the four samples; each recorded by the CLI.
    expect(events.map((event) => `${event.streamId}@${event.revision}`)).toEqual([
      'product-ENDOW-4@0',
      'product-CN-ENDOW-20@0',
      'product-CN-WL-1@0',
      'product-CN-TERM-20@0',
      'product-US-WL-1@0',
    ]);
    expect(events[1]!.metadata).toMatchObject({ channel: 'CLI', actor: { id: 'policyctl-products-import' } });
    // The stored version is exactly the file's entry, numbered and dated (the CLI runs on the real business date).
    expect(events[4]!.data).toEqual({
      ...SAMPLES[3],
      version: 1,
      publishedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('the same file again writes nothing: every valid entry is unchanged', async () => {
    const before = await productEvents(dataDir);

    const run = await policyctl(dataDir, 'products', 'import', join(dataDir, 'catalogue.json'));

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('entry 1  CN-ENDOW-20  unchanged (version 1)');
    expect(run.stdout).toContain('5 entries: 0 published, 4 unchanged, 1 rejected');
    expect(await productEvents(dataDir)).toEqual(before);
  });

  it('a changed entry becomes the next version; malformed entries are rejected field by field; exit 0 when all pass', async () => {
    const changed = { ...SAMPLES[0], loan: { maxPercentOfCashValue: 80, interestBasisPoints: 450 } };
    const malformed = { ...SAMPLES[1], productCode: 'CN-WL-2', kind: 'ANNUITY-X', cashValuePpm: [1.5] };

    const mixed = await policyctl(dataDir, 'products', 'import', file('changed.json', [changed, malformed, 'x']));
    expect(mixed.code).toBe(1);
    expect(mixed.stdout.trim().split('\n')).toEqual([
      'entry 1  CN-ENDOW-20  published version 2',
      expect.stringMatching(/^entry 2 {2}CN-WL-2 {2}rejected: kind: .*; cashValuePpm: /),
      'entry 3  ?  rejected: expected a JSON object',
      '3 entries: 1 published, 0 unchanged, 2 rejected',
    ]);

    const clean = await policyctl(dataDir, 'products', 'import', file('clean.json', [changed]));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('1 entries: 0 published, 1 unchanged, 0 rejected');
  });

  it('the API lists the imported catalogue', async () => {
    const api = await startTestApi({ dataDir });
    try {
      const deadline = Date.now() + 15_000;
      let listed;
      do {
        listed = await api.http().get('/v1/products').set('Authorization', bearer('clerk')).expect(200);
      } while (listed.body.caughtUp.lagEvents !== 0 && Date.now() < deadline);
      expect(
        listed.body.items.map((item: { productCode: string; latestVersion: number }) => [
          item.productCode,
          item.latestVersion,
        ]),
      ).toEqual([
        ['CN-ENDOW-20', 2],
        ['CN-TERM-20', 1],
        ['CN-WL-1', 1],
        ['ENDOW-4', 1],
        ['US-WL-1', 1],
      ]);
    } finally {
      await api.close();
    }
  });

  it('bad arguments exit 2 with the usage; a file that is not an array exits 1', async () => {
    expect(await policyctl(dataDir, 'products')).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage') });
    expect((await policyctl(dataDir, 'products', 'import')).code).toBe(2);
    const notArray = await policyctl(dataDir, 'products', 'import', file('object.json', { productCode: 'X' }));
    expect(notArray).toMatchObject({ code: 1, stderr: expect.stringContaining('must hold a JSON array') });
  });
});
