import { randomUUID } from 'node:crypto';
import type { EventStore, Position } from '@lib/event-sourcing';
import { SqliteReadModelStore } from '@lib/read-models';
import { EVENT_STORE } from '../src/event-store/tokens';
import { GrpcHealth } from '../src/grpc/grpc-health';
import type { ReadinessReport } from '../src/health/health.controller';
import { ORPHAN_REASSIGNMENT_CHECKPOINT_STREAM } from '../src/orphans/orphan-reassignment.process';
import { issuePolicyBody } from './support/fixtures';
import { parseExposition } from '@lib/worker-runtime/testing';
import { waitUntilCaughtUp } from './support/report-scenario';
import { bearer, E2E_STORE, makeDataDir, removeDataDir, startTestApi, type TestApi } from './support/test-api';

/**
 * EventStoreDB mode (issue 13): the read side's checkpoints point inside an event, not at an event boundary (a
 * corrupted or hand-edited checkpoint). EventStoreDB refuses such a subscription ("invalid position"); the embedded
 * projection and the orphan process manager used to retry it for ever. Now each stops, readiness and the gRPC health of
 * what it feeds say why, and the API serves commands and queries on. Runs only in EventStoreDB mode
 * (E2E_EVENTSTORE_CONNECTION_STRING).
 */
const describeEventStoreDb = E2E_STORE.mode === 'eventstoredb' ? describe : describe.skip;

/** A position one byte into the record at `position` (`<commit>-<prepare>`, 20 digits each): not an event boundary. */
function insideOf(position: Position): Position {
  const [commit, prepare] = position.split('-').map(BigInt);
  return [commit + 1n, prepare + 1n].map((part) => String(part).padStart(20, '0')).join('-');
}

describeEventStoreDb('EventStoreDB mode: the event store refuses the read side’s checkpoints', () => {
  const dataDir = makeDataDir();
  // Fresh policy ids, so that the suite can run again on the same server.
  const run = randomUUID().slice(0, 8).toUpperCase();
  let api: TestApi;
  let badCheckpoint: Position;

  beforeAll(async () => {
    // A first instance writes the log (on its own data dir: its read models stay out of this).
    const writer = await startTestApi({ env: { SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: 'false' } });
    try {
      await writer
        .http()
        .post('/v1/policies')
        .set('Authorization', bearer('clerk'))
        .send(issuePolicyBody(`REFUSED-${run}-1`))
        .expect(201);
      await waitUntilCaughtUp(writer);
      const store = writer.app.get<EventStore>(EVENT_STORE);
      // Inside the first event, so the server has to read the log after it (at the head it would just go live).
      badCheckpoint = insideOf((await store.readAll({ maxCount: 1 }))[0].position);
      const eventId = randomUUID();
      await store.append(
        ORPHAN_REASSIGNMENT_CHECKPOINT_STREAM,
        [
          {
            eventId,
            type: 'ProcessCheckpointStored',
            data: { position: badCheckpoint },
            metadata: { eventId, recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion: 1 },
          },
        ],
        'any',
      );
    } finally {
      await writer.close();
      removeDataDir(writer.dataDir);
    }
    // The read models of this data dir say they applied the log up to the bad position.
    const readModels = SqliteReadModelStore.open({ dataDir });
    try {
      await readModels.applyBatch([
        {
          eventId: randomUUID(),
          streamId: `idempotency-${randomUUID()}`,
          revision: 0,
          type: 'Planted',
          data: {},
          metadata: { recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion: 1 },
          position: badCheckpoint,
        },
      ]);
      expect((await readModels.checkpoint()).position).toBe(badCheckpoint);
    } finally {
      await readModels.close();
    }
    api = await startTestApi({ dataDir, env: { SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: 'true' } });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    removeDataDir(dataDir);
  });

  async function readinessWhenBothFailed(): Promise<{ status: number; body: ReadinessReport }> {
    for (const started = Date.now(); ;) {
      const response: { status: number; body: ReadinessReport } = await api.http().get('/health/ready');
      const { embeddedProjection, orphanReassignment } = response.body.feeds;
      if (embeddedProjection.failed && orphanReassignment.failed) return response;
      if (Date.now() - started > 15_000) throw new Error(`feeds still running: ${JSON.stringify(response.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('both feeds stop: not ready, with what the server said; the event store and the read models are fine', async () => {
    const ready = await readinessWhenBothFailed();

    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not-ready',
      eventStore: { mode: 'eventstoredb', readable: true, writable: true },
      readModels: { reachable: true },
      feeds: {
        embeddedProjection: { failed: true, error: expect.stringMatching(/invalid position/i) },
        orphanReassignment: { failed: true, error: expect.stringMatching(/invalid position/i) },
      },
    });
    expect((await api.http().get('/health/live')).status).toBe(200);
  });

  it('gRPC health: the server and ReportService NOT_SERVING, commands and queries SERVING', async () => {
    await readinessWhenBothFailed();
    const health = api.app.get(GrpcHealth);

    await health.refresh();

    expect(health.statusOf('')).toBe('NOT_SERVING');
    expect(health.statusOf('policy.v1.ReportService')).toBe('NOT_SERVING');
    expect(health.statusOf('policy.v1.PolicyCommandService')).toBe('SERVING');
    expect(health.statusOf('policy.v1.PolicyQueryService')).toBe('SERVING');
  });

  it('commands and policy queries are served on; /metrics shows the projection failed', async () => {
    await readinessWhenBothFailed();

    await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody(`REFUSED-${run}-2`))
      .expect(201);
    const view = await api
      .http()
      .get(`/v1/policies/REFUSED-${run}-2`)
      .set('Authorization', bearer('clerk'))
      .expect(200);
    expect(view.body.policyId).toBe(`REFUSED-${run}-2`);
    const metrics = await api.http().get('/metrics').set('Authorization', bearer('admin')).expect(200);
    expect(parseExposition(metrics.text).value('policy_api_embedded_projection_state', { state: 'failed' })).toBe(1);
  });
});
