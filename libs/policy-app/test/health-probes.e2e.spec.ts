import { startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { E2E_STORE, removeDataDir, startTestApi, type TestApi } from './support/test-api';

/** DESIGN 3: liveness and readiness apart, no key needed; gRPC health for the server and every service. */
describe('Liveness and readiness probes', () => {
  let api: GrpcTestApi;

  beforeAll(async () => {
    api = await startGrpcTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('/health/live: the process answers, no key', async () => {
    const live = await api.http().get('/health/live');

    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
  });

  it('/health/ready: the event store answers and takes writes, the read models answer, no feed failed; no key', async () => {
    const ready = await api.http().get('/health/ready');

    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      eventStore: { mode: E2E_STORE.mode, readable: true, writable: true },
      readModels: { kind: 'sqlite', reachable: true },
      feeds: { embeddedProjection: { failed: false }, orphanReassignment: { failed: false } },
    });
  });

  it('/health keeps its shape for existing probes', async () => {
    const health = await api.http().get('/health');

    expect([health.status, health.body]).toEqual([
      200,
      { status: 'ok', eventStore: { mode: E2E_STORE.mode, ready: true } },
    ]);
  });

  it('gRPC health: SERVING for the server and every service, ReportService included; others unknown', async () => {
    for (const service of [
      '',
      'policy.v1.PolicyCommandService',
      'policy.v1.PolicyQueryService',
      'policy.v1.ReportService',
    ]) {
      const outcome = await unary(api.health, 'Check', { service }, { role: null });
      expect({ service, reply: outcome.ok && outcome.reply }).toEqual({ service, reply: { status: 'SERVING' } });
    }
    const unknown = await unary(api.health, 'Check', { service: 'policy.v1.NoSuchService' }, { role: null });
    expect(unknown.ok).toBe(false);
  });
});

describe('Readiness when the read models are out of reach', () => {
  let api: TestApi;

  beforeAll(async () => {
    // Nothing listens on port 1: every connection is refused at once.
    api = await startTestApi({ env: { READ_MODEL_URL: 'postgres://policy:policy@127.0.0.1:1/policy' } });
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('is not ready (reports cannot be served) while liveness and the event store are fine', async () => {
    const ready = await api.http().get('/health/ready');

    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not-ready',
      eventStore: { readable: true, writable: true },
      readModels: { kind: 'postgres', reachable: false },
    });
    expect(ready.body.readModels.error).toEqual(expect.any(String));
    expect((await api.http().get('/health/live')).status).toBe(200);
    expect((await api.http().get('/health')).status).toBe(200);
  });
});
