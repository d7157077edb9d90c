import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { EventStore, JsonObject } from '@lib/event-sourcing';
import { policyStreamId } from '@lib/policy-domain';
import { EVENT_STORE } from '../src/event-store/tokens';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';
import { startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { bearer, removeDataDir } from './support/test-api';

/**
 * DESIGN 7: an event the running version cannot read (an unknown type, or a schema version newer than the code, as
 * during a rolling upgrade) makes reads and commands of ITS stream answer 503 EVENT_VERSION_UNSUPPORTED naming the
 * stream and revision (gRPC UNAVAILABLE with the code in the details), never 500; every other stream carries on.
 */
describe('An event this version cannot read', () => {
  let api: GrpcTestApi;
  let store: EventStore;

  /** What a newer release (or another tool) would have appended: written with the store's raw append. */
  async function appendForeignEvent(policyId: string, type: string, schemaVersion: number): Promise<void> {
    const eventId = randomUUID();
    const metadata: JsonObject = {
      eventId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: { id: 'newer-release', roles: ['system'] },
      channel: 'PROCESS',
      recordedAt: new Date().toISOString(),
      schemaVersion,
    };
    await store.append(policyStreamId(policyId), [{ eventId, type, data: { teleportedTo: 'Mars' }, metadata }], 0);
  }

  const issue = (policyId: string) =>
    api.http().post('/v1/policies').set('Authorization', bearer('clerk')).send(issuePolicyBody(policyId));
  const getPolicy = (policyId: string, query = '') =>
    api.http().get(`/v1/policies/${policyId}${query}`).set('Authorization', bearer('clerk'));
  const pay = (policyId: string, receiptNo: string) =>
    api
      .http()
      .post(`/v1/policies/${policyId}/premium-payments`)
      .set('Authorization', bearer('clerk'))
      .send({ installmentNo: 2, amount: money(MODAL_PREMIUM), paidOn: '2023-01-10', receiptNo });

  beforeAll(async () => {
    api = await startGrpcTestApi();
    store = api.app.get<EventStore>(EVENT_STORE);
    for (const policyId of ['UNREAD-0001', 'UNREAD-0002', 'UNREAD-0003'])
      expect((await issue(policyId)).status).toBe(201);
    // Read once, so the aggregate cache holds these streams at revision 0: the new event must still be seen.
    expect((await getPolicy('UNREAD-0001')).status).toBe(200);
    await appendForeignEvent('UNREAD-0001', 'PolicyTeleported', 1);
    await appendForeignEvent('UNREAD-0003', 'PremiumPaid', 99);
  });

  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('an unknown type: GET and a command on that policy answer 503 naming the stream and revision', async () => {
    const read = await getPolicy('UNREAD-0001');
    const command = await pay('UNREAD-0001', 'R-UNREAD-1');

    for (const response of [read, command]) {
      expect([response.status, response.body.code]).toEqual([503, 'EVENT_VERSION_UNSUPPORTED']);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(response.body.detail).toContain('policy-UNREAD-0001');
      expect(response.body.detail).toContain('revision 1');
      expect(response.body.detail).toContain('PolicyTeleported');
      expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at /);
    }
  });

  it('a schema version newer than the code knows is refused the same way', async () => {
    const read = await getPolicy('UNREAD-0003');
    const command = await pay('UNREAD-0003', 'R-UNREAD-3');

    for (const response of [read, command]) {
      expect([response.status, response.body.code]).toEqual([503, 'EVENT_VERSION_UNSUPPORTED']);
      expect(response.body.detail).toContain('PremiumPaid v99');
    }
  });

  it('the stream as it was before that event is still served (historical reads stop short of it)', async () => {
    const before = await getPolicy('UNREAD-0001', '?revision=0');

    expect([before.status, before.body.revision]).toEqual([200, 0]);
  });

  it('every other policy carries on: read and changed', async () => {
    expect((await getPolicy('UNREAD-0002')).status).toBe(200);
    const paid = await pay('UNREAD-0002', 'R-UNREAD-2');
    expect([paid.status, paid.body.revision]).toEqual([201, 1]);
    expect((await issue('UNREAD-0004')).status).toBe(201);
  });

  it('over gRPC: UNAVAILABLE with EVENT_VERSION_UNSUPPORTED in the details, for a query and a command', async () => {
    const query = await unary(api.queries, 'GetPolicy', { policy_id: 'UNREAD-0001' });
    const command = await unary(api.commands, 'RecordPremiumPayment', {
      policy_id: 'UNREAD-0001',
      installment_no: 2,
      amount: { amount: MODAL_PREMIUM, currency: 'CNY' },
      paid_on: '2023-01-10',
      receipt_no: 'R-UNREAD-GRPC',
    });

    for (const outcome of [query, command]) {
      expect(outcome.ok).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.code).toBe(GrpcStatus.UNAVAILABLE);
      expect(outcome.trailers['error-code']).toBe('EVENT_VERSION_UNSUPPORTED');
      expect(outcome.status.errorInfo?.reason).toBe('EVENT_VERSION_UNSUPPORTED');
      expect(outcome.details).toContain('policy-UNREAD-0001');
    }
    const other = await unary(api.queries, 'GetPolicy', { policy_id: 'UNREAD-0002' });
    expect(other.ok).toBe(true);
  });
});
