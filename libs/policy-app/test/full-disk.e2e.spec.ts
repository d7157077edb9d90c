import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import request from 'supertest';
import type { EventStore } from '@lib/event-sourcing';
import type { SqliteEventStore } from '@lib/eventstore-sqlite';
import { createPolicyApi } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { EVENT_STORE } from '../src/event-store/tokens';
import { GrpcHealth } from '../src/grpc/grpc-health';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';
import {
  API_KEYS,
  bearer,
  E2E_STORE,
  makeDataDir,
  publishFixtureProduct,
  registerFixtureAgent,
  removeDataDir,
  TestClock,
} from './support/test-api';

/**
 * DESIGN 7: a full disk is 503 with Retry-After and readiness false, never a 500; one warn line, not one per
 * request; the process starts read-only on a full disk and recovers by itself when space returns. The "disk" is the
 * embedded store's file capped with SQLite's max_page_count (no root needed), so this suite is SQLite-only.
 */
const describeEmbedded = E2E_STORE.mode === 'embedded-sqlite' ? describe : describe.skip;

interface FullDiskApi {
  readonly app: NestExpressApplication;
  readonly store: SqliteEventStore;
  readonly logLines: Record<string, unknown>[];
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

async function startApi(dataDir: string, sqliteMaxPageCount?: number): Promise<FullDiskApi> {
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  const config = loadConfig({ DATA_DIR: dataDir, API_KEYS, LOG_LEVEL: 'info', HTTP_PORT: '0' });
  const app = await createPolicyApi(config, { clock: new TestClock('2026-06-15'), logger, sqliteMaxPageCount });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  return {
    app,
    store: app.get<EventStore>(EVENT_STORE) as SqliteEventStore,
    logLines,
    http: () => request(server),
    close: () => app.close(),
  };
}

/**
 * Caps the file at its current size, then fills what room is left in its pages with events in streams nobody
 * projects, bulky ones first and smaller ones after, until even a tiny event is refused: the disk is full.
 */
async function fillTheDisk(store: SqliteEventStore): Promise<void> {
  await store.setMaxPageCount(1); // SQLite keeps the cap at the file's current size
  for (const bytes of [8_000, 2_000, 500, 100, 1]) {
    for (let refused = false, appended = 0; !refused; appended++) {
      if (appended > 1_000) throw new Error('The store never filled up');
      const filler = { eventId: randomUUID(), type: 'Filler', data: { filler: 'x'.repeat(bytes) }, metadata: {} };
      refused = await store.append(`filler-${randomUUID()}`, [filler], 'no_stream').then(
        () => false,
        () => true,
      );
    }
  }
}

const payment = (installmentNo: number, receiptNo: string) => ({
  installmentNo,
  amount: money(MODAL_PREMIUM),
  paidOn: '2023-01-10',
  receiptNo,
});

/** Readiness comes back by itself once space returns (the store re-probes at most once a second). */
async function waitUntilReady(api: FullDiskApi): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await api.http().get('/health/ready')).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('Never ready again');
}

describeEmbedded('A full disk (embedded store capped by max_page_count)', () => {
  let dataDir: string;
  let api: FullDiskApi;

  beforeAll(async () => {
    dataDir = makeDataDir();
    api = await startApi(dataDir);
    await registerFixtureAgent(api.app.getHttpServer());
    await publishFixtureProduct(api.app.getHttpServer(), 'CN');
    const issued = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody('FULL-0001'));
    expect(issued.status).toBe(201);
  });

  afterAll(async () => {
    await api.close();
    removeDataDir(dataDir);
  });

  it('commands answer 503 with Retry-After, write nothing, and log one warn line without a stack', async () => {
    const eventsBefore = await api.store.countAll();
    const logLinesBefore = api.logLines.length;
    await fillTheDisk(api.store);
    const filled = await api.store.countAll();
    expect(filled).toBeGreaterThan(eventsBefore);

    const refused = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        api
          .http()
          .post('/v1/policies/FULL-0001/premium-payments')
          .set('Authorization', bearer('clerk'))
          .send(payment(2, `R-FULL-${index}`)),
      ),
    );
    const issue = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody('FULL-0002'));

    for (const response of [...refused, issue]) {
      expect([response.status, response.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(refused[0].body.detail).toContain('disk-full');
    // Nothing half-written: the policy is where it was, and $all has no new event.
    const policy = await api.http().get('/v1/policies/FULL-0001').set('Authorization', bearer('clerk'));
    expect([policy.status, policy.body.revision]).toEqual([200, 0]);
    expect(await api.store.countAll()).toBe(filled);
    expect((await api.http().get('/v1/policies/FULL-0002').set('Authorization', bearer('clerk'))).status).toBe(404);
    // The first refusal (while filling) is the one warning; 21 refused requests after it add none.
    const warnings = api.logLines.slice(logLinesBefore).filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason: 'disk-full' });
    expect(JSON.stringify(warnings[0])).not.toContain('    at ');
    expect(api.logLines.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });

  it('not ready (REST, and gRPC health of the server and commands) while alive, serving queries and reports', async () => {
    const ready = await api.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not-ready',
      eventStore: { mode: 'embedded-sqlite', readable: true, writable: false },
      readModels: { reachable: true },
    });
    expect(ready.body.eventStore.error).toContain('full');
    expect((await api.http().get('/health/live')).status).toBe(200);
    const legacy = await api.http().get('/health');
    expect([legacy.status, legacy.body.eventStore.ready]).toEqual([503, false]);

    const health = api.app.get(GrpcHealth);
    await health.refresh();
    expect(health.statusOf('')).toBe('NOT_SERVING');
    expect(health.statusOf('policy.v1.PolicyCommandService')).toBe('NOT_SERVING');
    expect(health.statusOf('policy.v1.PolicyQueryService')).toBe('SERVING');
    expect(health.statusOf('policy.v1.ReportService')).toBe('SERVING');
  });

  it('recovers when space returns: ready again, and the command goes through', async () => {
    await api.store.setMaxPageCount(1_000_000);

    await waitUntilReady(api);
    const paid = await api
      .http()
      .post('/v1/policies/FULL-0001/premium-payments')
      .set('Authorization', bearer('clerk'))
      .send(payment(2, 'R-FULL-AFTER'));

    expect(paid.status).toBe(201);
    expect(paid.body.revision).toBe(1);
    const health = api.app.get(GrpcHealth);
    await health.refresh();
    expect(health.statusOf('')).toBe('SERVING');
    expect(api.logLines.some((line) => line.msg === 'event store takes writes again')).toBe(true);
  });
});

describeEmbedded('Starting on a full disk', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    const first = await startApi(dataDir);
    await registerFixtureAgent(first.app.getHttpServer());
    await publishFixtureProduct(first.app.getHttpServer(), 'CN');
    const issued = await first
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody('FULL-0101'));
    expect(issued.status).toBe(201);
    await fillTheDisk(first.store);
    await first.close();
  });

  afterAll(() => removeDataDir(dataDir));

  it('starts read-only: reads served, commands 503, not ready, one warn line; writable once space returns', async () => {
    const api = await startApi(dataDir, 1);
    try {
      const policy = await api.http().get('/v1/policies/FULL-0101').set('Authorization', bearer('clerk'));
      expect([policy.status, policy.body.revision]).toEqual([200, 0]);
      const refused = await api
        .http()
        .post('/v1/policies/FULL-0101/premium-payments')
        .set('Authorization', bearer('clerk'))
        .send(payment(2, 'R-RO-1'));
      expect([refused.status, refused.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(refused.headers['retry-after']).toBeDefined();
      expect((await api.http().get('/health/ready')).status).toBe(503);
      expect((await api.http().get('/health/live')).status).toBe(200);
      const warnings = api.logLines.filter((line) => line.level === 40 && line.reason === 'disk-full');
      expect(warnings).toHaveLength(1);

      await api.store.setMaxPageCount(1_000_000);
      await waitUntilReady(api);
      const paid = await api
        .http()
        .post('/v1/policies/FULL-0101/premium-payments')
        .set('Authorization', bearer('clerk'))
        .send(payment(2, 'R-RO-2'));
      expect(paid.status).toBe(201);
    } finally {
      await api.close();
    }
  });
});
