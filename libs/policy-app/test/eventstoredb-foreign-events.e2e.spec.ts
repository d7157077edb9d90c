import { randomUUID } from 'node:crypto';
import type { EventStore, JsonObject, NewEvent } from '@lib/event-sourcing';
import { EVENT_STORE } from '../src/event-store/tokens';
import { issuePolicyBody } from './support/fixtures';
import { parseExposition } from '@lib/worker-runtime/testing';
import { getReport, waitUntilCaughtUp } from './support/report-scenario';
import { bearer, E2E_STORE, removeDataDir, startTestApi, type TestApi } from './support/test-api';

/**
 * EventStoreDB mode on a shared server (issue 13): another application writes JSON that is not an object — an array,
 * a string — into its own streams. The API's read side (embedded projection, orphan process manager, the reports'
 * lag probe) passes over those events and carries on; before, the first one stopped all three. Runs only in
 * EventStoreDB mode (E2E_EVENTSTORE_CONNECTION_STRING): the embedded store has no other writers.
 */
const describeEventStoreDb = E2E_STORE.mode === 'eventstoredb' ? describe : describe.skip;

const TODAY = '2026-06-15';

/** What another application might write (the adapter does not check the body's shape on append). */
function foreignEvent(type: string, data: unknown): NewEvent {
  const eventId = randomUUID();
  return { eventId, type, data: data as JsonObject, metadata: {} };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeEventStoreDb('EventStoreDB mode: another application’s events in the shared store', () => {
  let api: TestApi;
  let store: EventStore;
  const writeForeignEvents = async (suffix: string) => {
    await store.append(`inventory-${suffix}`, [foreignEvent('StockCounted', [3, 1, 4])], 'any');
    await store.append(`chat-${suffix}`, [foreignEvent('MessagePosted', 'hello from another application')], 'any');
    await store.append(`orders-${suffix}`, [foreignEvent('OrderPlaced', { orderId: suffix, lines: [] })], 'any');
  };
  const post = (url: string, role: Parameters<typeof bearer>[0], body: object) =>
    api.http().post(url).set('Authorization', bearer(role)).send(body);
  const premiumsDue = async () =>
    (await getReport(api, '/v1/reports/premiums-due?from=2022-01-01&to=2030-12-31').expect(200)).body.items as Array<{
      policyId: string;
    }>;

  beforeAll(async () => {
    api = await startTestApi({
      today: TODAY,
      env: { SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: 'true' },
    });
    store = api.app.get<EventStore>(EVENT_STORE);
    await writeForeignEvents('1');
    await post('/v1/agents', 'supervisor', {
      agentId: 'AG-LEAVING',
      name: 'Agent Leaving',
      role: 'SERVICING',
      branchCode: 'SH-001',
      region: 'EAST',
    }).expect(201);
    await post(
      '/v1/policies',
      'clerk',
      issuePolicyBody('FOREIGN-0001', { servicing: { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-LEAVING' } }),
    ).expect(201);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    if (api) removeDataDir(api.dataDir);
  });

  it('the embedded projection passes over them: a policy issued after them is in the reports, with no lag', async () => {
    await waitUntilCaughtUp(api);

    expect((await premiumsDue()).map((row) => row.policyId)).toContain('FOREIGN-0001');
  });

  it('the orphan process manager passes over them: a departed agent’s policy is reassigned', async () => {
    await post('/v1/agents/AG-LEAVING/departure', 'supervisor', {
      departedOn: TODAY,
      reassignment: 'BALANCED',
    }).expect(201);

    const servicing = await waitFor('the reassignment', async () => {
      const view = await api.http().get('/v1/policies/FOREIGN-0001').set('Authorization', bearer('clerk')).expect(200);
      return view.body.servicing.agentId === 'AG-LEAVING' ? undefined : view.body.servicing;
    });
    expect(servicing).toEqual({ branchCode: 'SH-001', region: 'EAST', agentId: 'AG-1', orphaned: false });
  });

  it('they are counted in /metrics (each once, however many readers pass over it)', async () => {
    await waitUntilCaughtUp(api);

    const metrics = await api.http().get('/metrics').set('Authorization', bearer('admin')).expect(200);

    // The array and the string; the third is a JSON object, which is of our shape.
    const counted = parseExposition(metrics.text).value('policy_api_event_store_foreign_events_total', {
      mode: 'eventstoredb',
    });
    expect(counted).toBe(2);
  });

  it('foreign events written while the read side runs do not stop it either', async () => {
    await writeForeignEvents('2');
    await post('/v1/policies', 'clerk', issuePolicyBody('FOREIGN-0002')).expect(201);

    await waitUntilCaughtUp(api);
    expect((await premiumsDue()).map((row) => row.policyId)).toContain('FOREIGN-0002');
  });
});
