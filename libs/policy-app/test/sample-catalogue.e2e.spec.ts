/**
 * The embedded sample catalogue (DESIGN 2.8). Its own file: in EventStoreDB mode every suite file shares one server,
 * and the products it publishes would show in the other catalogue tests' listings.
 */
import { bearer, removeDataDir, startTestApi } from './support/test-api';

describe('sample catalogue', () => {
  it('the sample catalogue (SAMPLE_CATALOGUE=true, the embedded default) is published once, on the first start', async () => {
    const sampled = await startTestApi({ env: { SAMPLE_CATALOGUE: 'true' } });
    try {
      for (const code of ['CN-ENDOW-20', 'CN-WL-1', 'CN-TERM-20', 'US-WL-1']) {
        const read = await sampled.http().get(`/v1/products/${code}`).set('Authorization', bearer('clerk')).expect(200);
        expect(read.body.versions[0]).toMatchObject({ productCode: code, version: 1 });
      }
      const us = await sampled.http().get('/v1/products/US-WL-1').set('Authorization', bearer('clerk')).expect(200);
      expect(us.body.versions[0].nonforfeiture).toMatchObject({ options: ['RPU', 'ETI'], default: 'ETI' });
    } finally {
      await sampled.close();
    }
    const restarted = await startTestApi({ dataDir: sampled.dataDir, env: { SAMPLE_CATALOGUE: 'true' } });
    try {
      const read = await restarted.http().get('/v1/products/CN-ENDOW-20').set('Authorization', bearer('clerk'));
      expect(read.body.versions).toHaveLength(1);
    } finally {
      await restarted.close();
      removeDataDir(restarted.dataDir);
    }
  });
});
