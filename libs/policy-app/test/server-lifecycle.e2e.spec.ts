/**
 * The process entry (main.ts) as an operator meets it: REST listens on HTTP_HOST (127.0.0.1 unless set), the start-up
 * line says where it really listens, and a shutdown is logged before and after, all as JSON lines.
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../src/config/app-config';
import { loggerOptions } from '../src/logging/logger';
import { startPolicyApi, type RunningPolicyApi } from '../src/server';
import { freePort } from './support/grpc-client';
import { API_KEYS, makeDataDir, removeDataDir, TestClock } from './support/test-api';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

function captureLogs(): { logger: pino.Logger; lines: LogLine[]; raw: string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino(loggerOptions('info', 'policy-api'), stream);
  return {
    logger,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as LogLine);
    },
  };
}

describe('policy-api process: listen address and shutdown', () => {
  const dataDirs: string[] = [];
  const running: RunningPolicyApi[] = [];

  afterEach(async () => {
    await Promise.all(running.splice(0).map((api) => api.stop()));
    dataDirs.splice(0).forEach(removeDataDir);
  });

  async function start(env: Record<string, string>) {
    const dataDir = makeDataDir();
    dataDirs.push(dataDir);
    const config = loadConfig({
      DATA_DIR: dataDir,
      API_KEYS,
      HTTP_PORT: '0',
      GRPC_PORT: String(await freePort()),
      ...env,
    });
    const logs = captureLogs();
    const api = await startPolicyApi(config, logs.logger, { clock: new TestClock('2026-06-15') });
    running.push(api);
    return { api, logs, address: api.app.getHttpServer().address() as AddressInfo };
  }

  it('by default REST listens on 127.0.0.1 only, and the start-up line says so', async () => {
    const { api, logs, address } = await start({});

    expect(address.address).toBe('127.0.0.1');
    expect(api.httpUrl).toBe(`http://127.0.0.1:${address.port}`);
    const listening = logs.lines.find((line) => line.msg.startsWith('policy-api listening'));
    expect(listening).toMatchObject({
      http: `http://127.0.0.1:${address.port}`,
      businessTimeZone: 'Asia/Shanghai',
      msg: expect.stringContaining(`policy-api listening on http://127.0.0.1:${address.port} (OpenAPI at /docs)`),
    });
    await request(api.app.getHttpServer()).get('/health').expect(200);
  });

  it('HTTP_HOST=0.0.0.0 listens on every interface, and the start-up line says 0.0.0.0', async () => {
    const { api, logs, address } = await start({ HTTP_HOST: '0.0.0.0' });

    expect(address.address).toBe('0.0.0.0');
    expect(api.httpUrl).toBe(`http://0.0.0.0:${address.port}`);
    expect(logs.lines.find((line) => line.msg.startsWith('policy-api listening'))?.msg).toContain(
      `policy-api listening on http://0.0.0.0:${address.port}`,
    );
  });

  it('a shutdown logs a line before and after closing, with the signal; the port is released', async () => {
    const { api, logs, address } = await start({});

    await api.stop('SIGTERM');
    await api.stop('SIGTERM'); // a second call waits for the same shutdown

    const shutdown = logs.lines.filter((line) => /shutting down|stopped/.test(line.msg));
    expect(shutdown).toEqual([
      expect.objectContaining({
        level: 30,
        signal: 'SIGTERM',
        msg: expect.stringMatching(/^policy-api shutting down/),
      }),
      expect.objectContaining({ level: 30, signal: 'SIGTERM', msg: 'policy-api stopped' }),
    ]);
    await expect(request(`http://127.0.0.1:${address.port}`).get('/health')).rejects.toThrow(/ECONNREFUSED/);
    // Every line written is one JSON document.
    expect(logs.raw.every((line) => line.startsWith('{') && line.endsWith('}'))).toBe(true);
  });
});
