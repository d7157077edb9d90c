/**
 * RecordPolicyDelivery (DESIGN 2.9) over both transports: the delivery is recorded once, by a clerk, and read back
 * from the policy's history; the second one is refused with the first one named.
 */
import { issuePolicyBody } from './support/fixtures';
import { startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { bearer, removeDataDir } from './support/test-api';

describe('RecordPolicyDelivery', () => {
  let api: GrpcTestApi;
  const issue = (policyId: string) =>
    api.http().post('/v1/policies').set('Authorization', bearer('clerk')).send(issuePolicyBody(policyId)).expect(201);

  beforeAll(async () => {
    api = await startGrpcTestApi();
    await issue('DLV-0001');
    await issue('DLV-0002');
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('REST: 201 PolicyDelivered, in the history as sent; a second delivery is 422 POLICY_ALREADY_DELIVERED', async () => {
    const path = '/v1/policies/DLV-0001';
    const delivery = { deliveredOn: '2022-01-20', receiptRef: 'DLV-2022-0001' };
    const recorded = await api
      .http()
      .post(`${path}/deliveries`)
      .set('Authorization', bearer('clerk'))
      .send(delivery)
      .expect(201);
    expect(recorded.body).toMatchObject({ policyId: 'DLV-0001', revision: 1, events: [{ type: 'PolicyDelivered' }] });
    expect(recorded.headers.etag).toBe('"1"');

    const history = await api.http().get(`${path}/events`).set('Authorization', bearer('auditor')).expect(200);
    expect(history.body.events.at(-1)).toMatchObject({ type: 'PolicyDelivered', data: delivery });

    const again = await api
      .http()
      .post(`${path}/deliveries`)
      .set('Authorization', bearer('clerk'))
      .send({ deliveredOn: '2022-01-25', receiptRef: 'DLV-2022-0002' })
      .expect(422);
    expect(again.body).toMatchObject({ code: 'POLICY_ALREADY_DELIVERED' });
    expect(again.body.detail).toContain('2022-01-20 (receipt DLV-2022-0001)');
  });

  it('REST: only a clerk (or admin) may record it; a malformed body is 400 with each field', async () => {
    const path = '/v1/policies/DLV-0002/deliveries';
    const body = { deliveredOn: '2022-01-20', receiptRef: 'DLV-2022-0003' };
    for (const role of ['supervisor', 'system', 'auditor', 'reporter'] as const) {
      await api.http().post(path).set('Authorization', bearer(role)).send(body).expect(403);
    }
    const malformed = await api
      .http()
      .post(path)
      .set('Authorization', bearer('clerk'))
      .send({ deliveredOn: '2022-02-30', receiptRef: '', extra: 1 })
      .expect(400);
    expect([...new Set(malformed.body.errors.map((error: { path: string }) => error.path))].sort()).toEqual([
      'deliveredOn',
      'extra',
      'receiptRef',
    ]);
  });

  it('gRPC: RecordPolicyDelivery writes the same event; the second is FAILED_PRECONDITION', async () => {
    const request = { policy_id: 'DLV-0002', delivered_on: '2022-01-21', receipt_ref: 'DLV-2022-0004' };
    const recorded = await unary(api.commands, 'RecordPolicyDelivery', request, { role: 'clerk' });
    expect(recorded).toMatchObject({
      ok: true,
      reply: { policy_id: 'DLV-0002', events: [{ type: 'PolicyDelivered' }] },
    });

    const again = await unary(api.commands, 'RecordPolicyDelivery', request, { role: 'clerk' });
    expect(again).toMatchObject({ ok: false, code: 9 });
  });
});
