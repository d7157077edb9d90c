import { status } from '@grpc/grpc-js';
import { bearer, removeDataDir } from './support/test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';
import {
  protoFields,
  serverStream,
  startGrpcTestApi,
  unary,
  type CallOptions,
  type GrpcServiceClient,
  type GrpcTestApi,
} from './support/grpc-client';

/**
 * Every failure maps to its gRPC status with the problem code in google.rpc.ErrorInfo.reason (grpc-status-details-
 * bin) and in the `error-code` trailer, and writes nothing: the stream's revision is read over REST before and after.
 */
describe('gRPC error mapping: status, code, nothing written', () => {
  let api: GrpcTestApi;
  const policyId = 'GERR-0001';
  const payment = { installment_no: 2, amount: money(MODAL_PREMIUM), paid_on: '2023-01-10', receipt_no: 'R-OK' };

  beforeAll(async () => {
    api = await startGrpcTestApi();
    const issued = await unary(api.commands, 'IssuePolicy', protoFields(issuePolicyBody(policyId)));
    expect(issued.ok).toBe(true);
    const agent = await unary(
      api.commands,
      'RegisterAgent',
      { agent_id: 'AG-ERR', name: 'Agent', role: 'SERVICING', branch_code: 'SH-001', region: 'EAST' },
      { role: 'supervisor' },
    );
    expect(agent.ok).toBe(true);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  /** The stream's revision over REST (-1: no such stream). */
  async function revisionOf(path: string): Promise<number> {
    const response = await api.http().get(path).set('Authorization', bearer('auditor'));
    if (response.status === 404) return -1;
    expect(response.status).toBe(200);
    return response.body.revision;
  }

  async function expectRejected(
    call: { client: GrpcServiceClient; method: string; request: object; options?: CallOptions },
    expected: { code: status; reason: string },
    streamPath = `/v1/policies/${policyId}/events`,
  ) {
    const before = await revisionOf(streamPath);
    const outcome = await unary(call.client, call.method, call.request as Record<string, unknown>, call.options);
    if (outcome.ok) throw new Error(`expected ${expected.reason}, the call succeeded`);
    expect({ code: outcome.code, reason: outcome.status.errorInfo?.reason }).toEqual(expected);
    expect(outcome.trailers['error-code']).toBe(expected.reason);
    expect(outcome.status).toMatchObject({ code: expected.code, message: outcome.details });
    expect(outcome.status.errorInfo?.domain).toBe('policy-servicing');
    expect(outcome.trailers['x-correlation-id']).toEqual(expect.any(String));
    expect(await revisionOf(streamPath)).toBe(before);
    return outcome;
  }
  const pay = (request: object, options?: CallOptions) => ({
    client: api.commands,
    method: 'RecordPremiumPayment',
    request: { policy_id: policyId, ...request },
    options,
  });
  /** The distinct violated fields (like REST's errors[], one violation per failed constraint). */
  const violations = (outcome: Awaited<ReturnType<typeof expectRejected>>) =>
    outcome.ok ? [] : [...new Set(outcome.status.fieldViolations.map((violation) => violation.field))];
  const invalid = { code: status.INVALID_ARGUMENT, reason: 'VALIDATION_FAILED' };

  describe('INVALID_ARGUMENT VALIDATION_FAILED with google.rpc.BadRequest field violations (proto paths)', () => {
    it('the REST DTO rules: missing, out of range, unreal date, wrong currency format', async () => {
      const outcome = await expectRejected(
        pay({ installment_no: 0, amount: { amount: 1, currency: 'cny' }, paid_on: '2023-02-30' }),
        invalid,
      );
      expect(violations(outcome).sort()).toEqual(['amount.currency', 'installment_no', 'paid_on', 'receipt_no']);
      if (!outcome.ok) {
        expect(outcome.status.fieldViolations).toContainEqual({
          field: 'paid_on',
          description: 'paidOn must be a real calendar date YYYY-MM-DD from 1900-01-01 to 2199-12-31',
        });
      }
    });

    it('int64 money beyond 2^53 − 1, or negative, is rejected exactly (never rounded)', async () => {
      const tooLarge = await expectRejected(
        pay({ ...payment, amount: { amount: '9007199254740993', currency: 'CNY' } }),
        invalid,
      );
      expect(violations(tooLarge)).toEqual(['amount.amount']);
      const negative = await expectRejected(pay({ ...payment, amount: { amount: -1, currency: 'CNY' } }), invalid);
      expect(violations(negative)).toEqual(['amount.amount']);
    });

    it('nested and repeated fields, and ChangeContract oneof members, are named by their proto path', async () => {
      const beneficiaries = await expectRejected(
        {
          client: api.commands,
          method: 'ChangeBeneficiaries',
          request: protoFields({
            policyId,
            effectiveDate: '2026-06-01',
            designatedBy: 'INSURED',
            beneficiaries: [{ name: 'Zhao Min', relationship: 'COUSIN', order: 1, sharePercent: 101 }],
          }),
        },
        invalid,
      );
      expect(violations(beneficiaries).sort()).toEqual([
        'beneficiaries[0].relationship',
        'beneficiaries[0].share_percent',
      ]);
      const changes = await expectRejected(
        {
          client: api.commands,
          method: 'ChangeContract',
          request: {
            policy_id: policyId,
            effective_date: '2026-06-01',
            changes: [
              {},
              { contact: { email: 'not-an-email' } },
              { personal_details: { party: 'INSURED', gender: 'X' } },
            ],
          },
        },
        invalid,
      );
      expect(violations(changes).sort()).toEqual([
        'changes[0].change',
        'changes[1].contact.email',
        'changes[2].personal_details.gender',
      ]);
    });

    it('a malformed policy id, idempotency key or correlation id', async () => {
      expect(violations(await expectRejected(pay({ ...payment, policy_id: 'bad id' }), invalid))).toEqual([
        'policy_id',
      ]);
      const key = await expectRejected(pay(payment, { metadata: { 'idempotency-key': 'k'.repeat(129) } }), invalid);
      expect(violations(key)).toEqual(['idempotency-key']);
      const correlation = await expectRejected(
        pay(payment, { metadata: { 'x-correlation-id': 'has spaces' } }),
        invalid,
      );
      expect(violations(correlation)).toEqual(['x-correlation-id']);
    });
  });

  it('UNAUTHENTICATED: no key, or an unknown key', async () => {
    const unauthenticated = { code: status.UNAUTHENTICATED, reason: 'UNAUTHENTICATED' };
    await expectRejected(pay(payment, { role: null }), unauthenticated);
    await expectRejected(
      pay(payment, { role: null, metadata: { authorization: 'Bearer not-a-key-000000000' } }),
      unauthenticated,
    );
  });

  it('PERMISSION_DENIED FORBIDDEN: the role matrix of REST (and system may terminate only LAPSE_EXPIRED)', async () => {
    const forbidden = { code: status.PERMISSION_DENIED, reason: 'FORBIDDEN' };
    await expectRejected(pay(payment, { role: 'auditor' }), forbidden);
    await expectRejected(
      { client: api.commands, method: 'LapsePolicy', request: { policy_id: policyId, lapsed_on: '2024-04-01' } },
      forbidden,
    );
    await expectRejected(
      {
        client: api.commands,
        method: 'TerminatePolicy',
        request: { policy_id: policyId, terminated_on: '2026-06-01', reason: 'DEATH' },
        options: { role: 'system' },
      },
      forbidden,
    );
    const read = await unary(api.queries, 'GetPolicy', { policy_id: policyId }, { role: 'reporter' });
    expect(!read.ok && [read.code, read.status.errorInfo?.reason]).toEqual([status.PERMISSION_DENIED, 'FORBIDDEN']);
  });

  it('NOT_FOUND: unknown policy, reminder or agent; the history stream fails before any message', async () => {
    await expectRejected(
      pay({ ...payment, policy_id: 'GERR-NONE' }),
      { code: status.NOT_FOUND, reason: 'POLICY_NOT_FOUND' },
      '/v1/policies/GERR-NONE/events',
    );
    await expectRejected(
      {
        client: api.commands,
        method: 'RecordReminderDelivery',
        request: { policy_id: policyId, reminder_id: `${policyId}-R9`, outcome: 'RETURNED', recorded_on: '2026-06-01' },
      },
      { code: status.NOT_FOUND, reason: 'REMINDER_NOT_FOUND' },
    );
    const agent = await unary(api.queries, 'GetAgent', { agent_id: 'AG-NONE' });
    expect(!agent.ok && [agent.code, agent.trailers['error-code']]).toEqual([status.NOT_FOUND, 'AGENT_NOT_FOUND']);
    const history = await serverStream(
      api.queries,
      'GetPolicyHistory',
      { policy_id: 'GERR-NONE' },
      { role: 'auditor' },
    );
    expect(history.messages).toEqual([]);
    expect([history.error?.code, history.error?.metadata.get('error-code')[0]]).toEqual([
      status.NOT_FOUND,
      'POLICY_NOT_FOUND',
    ]);
  });

  it('ALREADY_EXISTS: the policy or agent exists', async () => {
    await expectRejected(
      { client: api.commands, method: 'IssuePolicy', request: protoFields(issuePolicyBody(policyId)) },
      { code: status.ALREADY_EXISTS, reason: 'POLICY_ALREADY_EXISTS' },
    );
    await expectRejected(
      {
        client: api.commands,
        method: 'RegisterAgent',
        request: { agent_id: 'AG-ERR', name: 'Agent', role: 'SERVICING', branch_code: 'SH-001', region: 'EAST' },
        options: { role: 'supervisor' },
      },
      { code: status.ALREADY_EXISTS, reason: 'AGENT_ALREADY_EXISTS' },
      '/v1/agents/AG-ERR',
    );
  });

  it('FAILED_PRECONDITION with the domain code: business rules', async () => {
    await expectRejected(pay({ ...payment, installment_no: 3 }), {
      code: status.FAILED_PRECONDITION,
      reason: 'INSTALLMENT_OUT_OF_ORDER',
    });
    await expectRejected(pay({ ...payment, paid_on: '2026-07-01' }), {
      code: status.FAILED_PRECONDITION,
      reason: 'DATE_IN_FUTURE',
    });
    await expectRejected(
      {
        client: api.commands,
        method: 'TransferPolicy',
        request: {
          policy_id: policyId,
          to_branch_code: 'SH-001',
          to_region: 'EAST',
          effective_date: '2026-06-01',
          reason: 'RELOCATION',
        },
      },
      { code: status.FAILED_PRECONDITION, reason: 'TRANSFER_TO_SAME_BRANCH' },
    );
  });

  it('ABORTED PRECONDITION_FAILED: a stale expected_revision (the If-Match of REST)', async () => {
    await expectRejected(pay({ ...payment, expected_revision: 5 }), {
      code: status.ABORTED,
      reason: 'PRECONDITION_FAILED',
    });
    const current = await unary(api.commands, 'RecordPremiumPayment', {
      policy_id: policyId,
      ...payment,
      expected_revision: 0,
    });
    expect(current.ok && current.headers.etag).toBe('1');
  });

  it('FAILED_PRECONDITION IDEMPOTENCY_KEY_REUSED: the same key for another request', async () => {
    const reminder = { policy_id: policyId, installment_no: 3, kind: 'PRE_DUE', channel: 'SMS', sent_on: '2023-12-01' };
    const metadata = { 'idempotency-key': 'gerr-reminder-1' };
    const first = await unary(api.commands, 'SendPremiumReminder', reminder, { metadata });
    expect(first.ok).toBe(true);
    await expectRejected(
      {
        client: api.commands,
        method: 'SendPremiumReminder',
        request: { ...reminder, channel: 'EMAIL' },
        options: { metadata },
      },
      { code: status.FAILED_PRECONDITION, reason: 'IDEMPOTENCY_KEY_REUSED' },
    );
  });
});
