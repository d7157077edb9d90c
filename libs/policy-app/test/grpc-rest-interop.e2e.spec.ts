import { bearer, removeDataDir } from './support/test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';
import { protoFields, serverStream, startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';

/** One app, two transports, one event store: what one writes the other reads; idempotency keys span both. */
describe('REST and gRPC side by side', () => {
  let api: GrpcTestApi;

  beforeAll(async () => {
    api = await startGrpcTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const rest = (path: string, body: object, headers: Record<string, string> = {}) =>
    api.http().post(path).set('Authorization', bearer('clerk')).set(headers).send(body);
  const restView = async (policyId: string) =>
    (await api.http().get(`/v1/policies/${policyId}`).set('Authorization', bearer('clerk')).expect(200)).body;
  const restHistory = async (policyId: string) =>
    (await api.http().get(`/v1/policies/${policyId}/events`).set('Authorization', bearer('auditor')).expect(200)).body;

  it('a policy issued over REST is read and changed over gRPC; the change shows over REST with channel GRPC', async () => {
    expect((await rest('/v1/policies', issuePolicyBody('XT-0001'))).status).toBe(201);
    const viaGrpc = await unary(api.queries, 'GetPolicy', { policy_id: 'XT-0001' });
    expect(viaGrpc.ok && viaGrpc.reply).toMatchObject({ policy_id: 'XT-0001', revision: 0, status: 'IN_FORCE' });

    // designated by the insured, so insured_consent may stay unset (false): valid, as `false` is over REST.
    const changed = await unary(
      api.commands,
      'ChangeBeneficiaries',
      protoFields({
        policyId: 'XT-0001',
        expectedRevision: 0,
        effectiveDate: '2026-06-01',
        designatedBy: 'INSURED',
        beneficiaries: [{ name: 'Zhao Min', relationship: 'OTHER', order: 1, sharePercent: 100 }],
      }),
    );
    expect(changed.ok && changed.headers.etag).toBe('1');
    const view = await restView('XT-0001');
    expect(view.beneficiaries).toEqual([{ name: 'Zhao Min', relationship: 'OTHER', order: 1, sharePercent: 100 }]);
    const [issued, change] = (await restHistory('XT-0001')).events;
    expect([issued.metadata.channel, change.metadata.channel]).toEqual(['REST', 'GRPC']);
    expect(change.data).toMatchObject({ designatedBy: 'INSURED', insuredConsent: false });
  });

  it('a policy issued over gRPC is identical over REST to one issued over REST (same view, same event data)', async () => {
    expect((await unary(api.commands, 'IssuePolicy', protoFields(issuePolicyBody('XT-0002')))).ok).toBe(true);
    expect((await rest('/v1/policies', issuePolicyBody('XT-0003'))).status).toBe(201);
    const [viaGrpc, viaRest] = [await restView('XT-0002'), await restView('XT-0003')];
    expect({ ...viaGrpc, policyId: 'X' }).toEqual({ ...viaRest, policyId: 'X' });
    const grpcData = (await restHistory('XT-0002')).events[0].data;
    const restData = (await restHistory('XT-0003')).events[0].data;
    expect({ ...grpcData, policyId: 'X' }).toEqual({ ...restData, policyId: 'X' });
    const stream = await serverStream(api.queries, 'GetPolicyHistory', { policy_id: 'XT-0003' }, { role: 'auditor' });
    expect(stream.messages.map((entry) => entry.type)).toEqual(['PolicyIssued']);
  });

  it('idempotency keys are shared: a REST request replayed over gRPC, and a gRPC request replayed over REST', async () => {
    const key = { 'idempotency-key': 'xt-issue-0004' };
    const first = await rest('/v1/policies', issuePolicyBody('XT-0004'), { 'Idempotency-Key': key['idempotency-key'] });
    expect(first.status).toBe(201);
    const replayOverGrpc = await unary(api.commands, 'IssuePolicy', protoFields(issuePolicyBody('XT-0004')), {
      metadata: key,
    });
    expect(replayOverGrpc.ok && replayOverGrpc.reply).toEqual({
      policy_id: 'XT-0004',
      revision: 0,
      events: [{ event_id: first.body.events[0].eventId, type: 'PolicyIssued', revision: 0 }],
    });
    expect(replayOverGrpc.ok && replayOverGrpc.headers['idempotent-replayed']).toBe('true');

    const payment = { installmentNo: 2, amount: money(MODAL_PREMIUM), paidOn: '2023-01-10', receiptNo: 'R-XT-2' };
    const paidOverGrpc = await unary(
      api.commands,
      'RecordPremiumPayment',
      protoFields({ policyId: 'XT-0004', ...payment }),
      {
        metadata: { 'idempotency-key': 'xt-pay-0004-2' },
      },
    );
    expect(paidOverGrpc.ok).toBe(true);
    const replayOverRest = await rest('/v1/policies/XT-0004/premium-payments', payment, {
      'Idempotency-Key': 'xt-pay-0004-2',
    });
    expect(replayOverRest.status).toBe(201);
    expect(replayOverRest.headers['idempotent-replayed']).toBe('true');
    expect(replayOverRest.body).toEqual({
      policyId: 'XT-0004',
      revision: 1,
      events: [
        {
          eventId: paidOverGrpc.ok && (paidOverGrpc.reply.events as { event_id: string }[])[0].event_id,
          type: 'PremiumPaid',
          revision: 1,
        },
      ],
    });

    const reusedOverRest = await rest(
      '/v1/policies/XT-0004/premium-payments',
      { ...payment, receiptNo: 'R-XT-OTHER' },
      { 'Idempotency-Key': 'xt-pay-0004-2' },
    );
    expect([reusedOverRest.status, reusedOverRest.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const history = await restHistory('XT-0004');
    expect(history.events.map((event: { type: string }) => event.type)).toEqual(['PolicyIssued', 'PremiumPaid']);
    expect(history.events[1].metadata).toMatchObject({ channel: 'GRPC', idempotencyKey: 'xt-pay-0004-2' });
  });
});
