import { parseExposition } from '@lib/worker-runtime/testing';
import { createMetricsRegistry, gaugeReading } from './metrics';
import { startWorkerHttp, type WorkerHttpServer } from './worker-http';

describe('the workers’ HTTP server', () => {
  let server: WorkerHttpServer;
  let failMetrics = false;
  const registry = createMetricsRegistry();
  gaugeReading(registry, 'worker_test_up', 'Up.', () => 1);

  beforeAll(async () => {
    server = await startWorkerHttp(0, {
      health: () => ({ healthy: true, body: { status: 'running' } }),
      metrics: () => (failMetrics ? Promise.reject(new Error('collect failed')) : registry.metrics()),
    });
  });
  afterAll(() => server.close());

  const get = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${server.port}${path}`, { method });

  it('GET /metrics: the registry as Prometheus text 0.0.4, runtime metrics included', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const parsed = parseExposition(await response.text());
    expect(parsed.value('worker_test_up')).toBe(1);
    expect(parsed.value('process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  it('a registry that fails to collect answers 500, and the next scrape works again', async () => {
    failMetrics = true;
    expect((await get('/metrics')).status).toBe(500);
    failMetrics = false;
    expect((await get('/metrics')).status).toBe(200);
  });

  it('GET /health, 404 elsewhere, 405 for other methods', async () => {
    expect(await (await get('/health')).json()).toEqual({ status: 'running' });
    expect((await get('/nothing')).status).toBe(404);
    expect((await get('/metrics', 'POST')).status).toBe(405);
  });
});
