/**
 * The scheduler process as a container sees it: health (live and ready) and metrics on HTTP_HOST:HTTP_PORT, a
 * start-up line saying where, and a logged shutdown, over an embedded data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig, loggerOptions } from '@lib/policy-app';
import { expectProcessMetrics, parseExposition } from '@lib/worker-runtime/testing';
import { startScheduler, type RunningScheduler } from './main';

interface LogLine {
  readonly msg: string;
  readonly [key: string]: unknown;
}

describe('scheduler process: health, metrics, shutdown', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scheduler-'));
  const lines: LogLine[] = [];
  let scheduler: RunningScheduler;

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const config = loadConfig({
      DATA_DIR: dataDir,
      API_KEYS: 'ops:0123456789abcdef:admin',
      HTTP_PORT: '0',
      SCHEDULER_ENABLED: 'true',
      ORPHAN_REASSIGNMENT_ENABLED: 'true',
    });
    scheduler = await startScheduler(config, pino(loggerOptions('info', 'scheduler'), stream));
  });
  afterAll(async () => {
    await scheduler.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 by default and says where', () => {
    expect(scheduler.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.find((line) => line.msg.startsWith('scheduler started'))).toMatchObject({
      http: scheduler.httpUrl,
      dailyAt: '02:00 Asia/Shanghai',
      msg: `scheduler started; health and metrics on ${scheduler.httpUrl}`,
    });
  });

  it('GET /health/live, /health/ready and /health: 200 while the event store answers', async () => {
    expect(await (await fetch(`${scheduler.httpUrl}/health/live`)).json()).toEqual({ status: 'ok' });
    for (const path of ['/health/ready', '/health']) {
      const response = await fetch(`${scheduler.httpUrl}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', eventStore: { mode: 'embedded-sqlite', ready: true } });
    }
  });

  it('GET /metrics: Prometheus text; anything else 404, other methods 405', async () => {
    // The embedded projection runs in a worker thread that reports its state once it has subscribed: wait for it.
    const deadline = Date.now() + 10_000;
    let metrics = await fetch(`${scheduler.httpUrl}/metrics`);
    let text = await metrics.text();
    while (!/policy_api_embedded_projection_state\{state="running"\} 1/.test(text) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      metrics = await fetch(`${scheduler.httpUrl}/metrics`);
      text = await metrics.text();
    }
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(text);
    // The application's families (the scheduler sends its commands through the same bus) and the process's.
    expect(parsed.value('policy_api_event_store_ready', { mode: 'embedded-sqlite' })).toBe(1);
    expect(parsed.value('policy_api_event_store_foreign_events_total', { mode: 'embedded-sqlite' })).toBe(0);
    expect(parsed.value('policy_api_embedded_projection_state', { state: 'running' })).toBe(1);
    expect(parsed.value('policy_api_read_model_up')).toBe(1);
    for (const family of ['policy_api_commands_total', 'policy_api_read_model_events_applied_total']) {
      expect({ family, type: parsed.families.get(family)?.type }).toEqual({ family, type: 'counter' });
    }
    expectProcessMetrics(parsed);
    expect((await fetch(`${scheduler.httpUrl}/v1/policies`)).status).toBe(404);
    expect((await fetch(`${scheduler.httpUrl}/health`, { method: 'POST' })).status).toBe(405);
  });

  it('a shutdown is logged before and after; the port is released', async () => {
    const url = scheduler.httpUrl;
    await scheduler.stop('SIGTERM');
    expect(lines.filter((line) => /shutting down|stopped/.test(line.msg))).toEqual([
      expect.objectContaining({ signal: 'SIGTERM', msg: expect.stringMatching(/^scheduler shutting down/) }),
      expect.objectContaining({ signal: 'SIGTERM', msg: 'scheduler stopped' }),
    ]);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
