import { status } from '@grpc/grpc-js';
import { removeDataDir, E2E_STORE } from './support/test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';
import {
  fromStruct,
  protoFields,
  serverStream,
  startGrpcTestApi,
  unary,
  type CallOptions,
  type GrpcTestApi,
  type UnaryOutcome,
} from './support/grpc-client';

/**
 * The REST servicing scenario over gRPC: one policy through every command family against the real hybrid app and
 * the embedded store, then its history as a server stream and its state as of an earlier instant and revision.
 * Business "today" is pinned at 2026-06-15; the policy runs 2022-01-15 → 2026-01-15 with annual premiums.
 */
describe(`policy servicing over gRPC (${E2E_STORE.mode})`, () => {
  let api: GrpcTestApi;
  const policyId = 'GSCN-0001';

  beforeAll(async () => {
    api = await startGrpcTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const command = (method: string, request: object, options: CallOptions = {}) =>
    unary(api.commands, method, { policy_id: policyId, ...protoFields(request) }, options);
  const ok = (outcome: UnaryOutcome) => {
    if (!outcome.ok) throw new Error(`expected success, got ${outcome.code} ${outcome.details}`);
    return outcome;
  };
  const failure = (outcome: UnaryOutcome) => {
    if (outcome.ok) throw new Error('expected an error');
    return { code: outcome.code, reason: outcome.status.errorInfo?.reason, errorCode: outcome.trailers['error-code'] };
  };
  const view = async (at: object = {}) =>
    ok(await unary(api.queries, 'GetPolicy', { policy_id: policyId, ...at }, { role: 'auditor' })).reply as Record<
      string,
      any // eslint-disable-line @typescript-eslint/no-explicit-any
    >;
  const eventTypes = (outcome: UnaryOutcome) =>
    (ok(outcome).reply.events as { type: string }[]).map((event) => event.type);

  it('IssuePolicy → the reply mirrors REST, etag 0, correlation id echoed; the view over GetPolicy', async () => {
    const issued = ok(
      await unary(api.commands, 'IssuePolicy', protoFields(issuePolicyBody(policyId)), {
        metadata: { 'x-correlation-id': 'grpc-scenario-issue-1' },
      }),
    );
    expect(issued.reply).toEqual({
      policy_id: policyId,
      revision: 0,
      events: [{ event_id: expect.any(String), type: 'PolicyIssued', revision: 0 }],
    });
    expect(issued.headers).toMatchObject({ etag: '0', 'x-correlation-id': 'grpc-scenario-issue-1' });

    const policy = await view();
    expect(policy).toMatchObject({
      policy_id: policyId,
      revision: 0,
      status: 'IN_FORCE',
      currency: 'CNY',
      jurisdiction: 'CN',
      endorsement_count: 0,
      sum_assured: money(50_000_000),
      lapse: null,
      servicing: { branch_code: 'SH-001', region: 'EAST', agent_id: 'AG-1', orphaned: false },
    });
    expect(policy.status_reason).toBeUndefined();
    expect(policy.premium).toMatchObject({
      paid_installments: 1,
      installment_count: 4,
      next_installment: { installment_no: 2, due_date: '2023-01-15', amount: money(MODAL_PREMIUM) },
      payment_method: { type: 'BANK_DEBIT', account_ref: 'ACC-1' },
      waiver: null,
    });
    expect(policy.survival_benefits).toEqual([
      { period_no: 1, kind: 'SURVIVAL', due_date: '2024-01-15', amount: money(1_000_000) },
      { period_no: 2, kind: 'MATURITY', due_date: '2026-01-15', amount: money(20_000_000) },
    ]);
  });

  it('ChangeContract with several oneof kinds → one endorsement; a failing second kind writes nothing', async () => {
    const changed = await command('ChangeContract', {
      effectiveDate: '2022-02-01',
      changes: [
        { contact: { phone: '+86 139 0000 0002', address: '1 Nanjing Rd, Shanghai' } },
        { occupation: { party: 'INSURED', occupationCode: 'STUDENT' } },
        { disclosure: { text: 'Insured took up competitive swimming.', documentRef: 'DOC-7' } },
      ],
    });
    expect(eventTypes(changed)).toEqual(['ContractChanged']);
    const policy = await view();
    expect(policy.endorsement_count).toBe(1);
    expect(policy.policyholder.phone).toBe('+86 139 0000 0002');
    expect(policy.insured.occupation_code).toBe('STUDENT');

    const rejected = await command('ChangeContract', {
      effectiveDate: '2022-03-01',
      changes: [{ contact: { email: 'li.wei@example.com' } }, { riderRemoved: { riderCode: 'NOPE' } }],
    });
    expect(failure(rejected)).toEqual({
      code: status.FAILED_PRECONDITION,
      reason: 'UNKNOWN_RIDER',
      errorCode: 'UNKNOWN_RIDER',
    });
    expect((await view()).revision).toBe(1);
  });

  it('ChangeBeneficiaries → BeneficiariesChanged with the next endorsement', async () => {
    const changed = ok(
      await command('ChangeBeneficiaries', {
        effectiveDate: '2022-06-01',
        designatedBy: 'POLICYHOLDER',
        insuredConsent: true,
        beneficiaries: [
          { name: 'Wang Fang', relationship: 'PARENT', order: 1, sharePercent: 60 },
          { name: 'Li Lei', relationship: 'SIBLING', order: 1, sharePercent: 40 },
        ],
      }),
    );
    expect(changed.reply.revision).toBe(2);
    expect(((await view()).beneficiaries as { name: string }[]).map((b) => b.name)).toEqual(['Wang Fang', 'Li Lei']);
  });

  it('SendPremiumReminder and RecordReminderDelivery; a second outcome → FAILED_PRECONDITION', async () => {
    const sent = await command(
      'SendPremiumReminder',
      { installmentNo: 2, kind: 'PRE_DUE', channel: 'SMS', sentOn: '2022-12-15' },
      { role: 'system' },
    );
    expect(eventTypes(sent)).toEqual(['PremiumReminderSent']);
    const delivery = { reminderId: `${policyId}-R1`, outcome: 'DELIVERED', recordedOn: '2022-12-20' };
    expect(eventTypes(await command('RecordReminderDelivery', delivery))).toEqual(['PremiumReminderDeliveryRecorded']);
    expect(failure(await command('RecordReminderDelivery', { ...delivery, outcome: 'RETURNED' }))).toMatchObject({
      code: status.FAILED_PRECONDITION,
      reason: 'REMINDER_DELIVERY_ALREADY_RECORDED',
    });
  });

  it('RecordPremiumPayment of the next installment; wrong amount → PREMIUM_AMOUNT_MISMATCH', async () => {
    const payment = { installmentNo: 2, amount: money(MODAL_PREMIUM), paidOn: '2023-01-10', receiptNo: 'R-2' };
    expect(failure(await command('RecordPremiumPayment', { ...payment, amount: money(1) }))).toMatchObject({
      code: status.FAILED_PRECONDITION,
      reason: 'PREMIUM_AMOUNT_MISMATCH',
    });
    expect(eventTypes(await command('RecordPremiumPayment', payment, { role: 'system' }))).toEqual(['PremiumPaid']);
    expect((await view()).premium.paid_installments).toBe(2);
  });

  it('LapsePolicy (system only), GetReinstatementQuote, ReinstatePolicy paying exactly the quote', async () => {
    expect(failure(await command('LapsePolicy', { lapsedOn: '2024-04-01' })).code).toBe(status.PERMISSION_DENIED);
    expect(failure(await command('LapsePolicy', { lapsedOn: '2024-02-01' }, { role: 'system' })).reason).toBe(
      'GRACE_PERIOD_NOT_OVER',
    );
    expect(eventTypes(await command('LapsePolicy', { lapsedOn: '2024-04-01' }, { role: 'system' }))).toEqual([
      'PolicyLapsed',
    ]);
    const lapsed = await view();
    expect(lapsed.status).toBe('LAPSED');
    // The window runs from the legal lapse date 2024-03-16, not from the day the lapse was recorded.
    expect(lapsed.lapse).toEqual({ lapsed_on: '2024-04-01', reinstatement_deadline: '2026-03-16' });

    const quote = ok(
      await unary(
        api.queries,
        'GetReinstatementQuote',
        { policy_id: policyId, on: '2024-05-01' },
        { role: 'supervisor' },
      ),
    );
    expect(quote.reply).toMatchObject({
      on_date: '2024-05-01',
      premiums: money(MODAL_PREMIUM),
      interest: money(7329),
      total: money(MODAL_PREMIUM + 7329),
      currency: 'CNY',
      installments: [{ installment_no: 3, due_date: '2024-01-15', days: 107, amount: money(MODAL_PREMIUM) }],
    });
    expect(quote.headers.etag).toBe(String(lapsed.revision));

    const reinstatement = { reinstatedOn: '2024-05-01', healthDeclarationRef: 'HD-1' };
    const short = await command(
      'ReinstatePolicy',
      { ...reinstatement, arrearsPaid: money(MODAL_PREMIUM) },
      { role: 'supervisor' },
    );
    expect(failure(short).reason).toBe('ARREARS_MISMATCH');
    const reinstated = await command(
      'ReinstatePolicy',
      { ...reinstatement, arrearsPaid: quote.reply.total },
      { role: 'supervisor' },
    );
    expect(eventTypes(reinstated)).toEqual(['PolicyReinstated']);
    expect((await view()).status).toBe('IN_FORCE');
  });

  it('WaivePremium (supervisor), TransferPolicy, PaySurvivalBenefit up to maturity; then POLICY_CLOSED', async () => {
    const waiver = { reason: 'POLICYHOLDER_TOTAL_DISABILITY', eventDate: '2024-06-01', evidenceRef: 'MED-1' };
    expect(eventTypes(await command('WaivePremium', waiver, { role: 'supervisor' }))).toEqual(['PremiumWaived']);
    expect((await view()).premium.waiver).toMatchObject({ waived_from_installment: 4, waived_from_date: '2025-01-15' });

    const transfer = { toBranchCode: 'BJ-002', toRegion: 'NORTH', effectiveDate: '2024-07-01', reason: 'RELOCATION' };
    expect(eventTypes(await command('TransferPolicy', transfer))).toEqual(['PolicyTransferred']);

    const payee = { name: 'Li Wei', accountRef: 'ACC-1' };
    const benefit = (periodNo: number, paidOn: string) =>
      command(
        'PaySurvivalBenefit',
        { periodNo, paidOn, payee, paymentRef: `PAY-${periodNo}`, lifeConfirmationRef: `LIFE-${periodNo}` },
        { role: 'supervisor' },
      );
    expect(eventTypes(await benefit(1, '2024-07-10'))).toEqual(['SurvivalBenefitPaid']);
    const maturity = await benefit(2, '2026-01-20');
    expect(eventTypes(maturity)).toEqual(['SurvivalBenefitPaid', 'PolicyMatured']);
    expect(ok(maturity).headers.etag).toBe(String(ok(maturity).reply.revision));
    const matured = await view();
    expect(matured.status).toBe('MATURED');
    expect((matured.survival_benefits as { paid_on?: string }[]).map((b) => b.paid_on)).toEqual([
      '2024-07-10',
      '2026-01-20',
    ]);
    expect(failure(await command('TransferPolicy', { ...transfer, toBranchCode: 'SH-001' })).reason).toBe(
      'POLICY_CLOSED',
    );
  });

  it('GetPolicyHistory streams every event with its metadata (channel GRPC, actor, correlation id)', async () => {
    const history = await serverStream(api.queries, 'GetPolicyHistory', { policy_id: policyId }, { role: 'auditor' });
    expect(history.error).toBeUndefined();
    expect(history.messages.map((entry) => entry.revision)).toEqual(history.messages.map((_, index) => index));
    expect(history.messages.map((entry) => entry.type)).toEqual([
      'PolicyIssued',
      'ContractChanged',
      'BeneficiariesChanged',
      'PremiumReminderSent',
      'PremiumReminderDeliveryRecorded',
      'PremiumPaid',
      'PolicyLapsed',
      'PolicyReinstated',
      'PremiumWaived',
      'PolicyTransferred',
      'SurvivalBenefitPaid',
      'SurvivalBenefitPaid',
      'PolicyMatured',
    ]);
    expect(history.headers.etag).toBe('12');
    const [issued] = history.messages;
    expect(issued).toMatchObject({ schema_version: 4, recorded_at: expect.stringMatching(/^2026-06-15T08:/) });
    expect(fromStruct(issued.metadata)).toMatchObject({
      eventId: issued.event_id,
      correlationId: 'grpc-scenario-issue-1',
      causationId: 'grpc-scenario-issue-1',
      actor: { id: 'clerk-key', roles: ['clerk'] },
      channel: 'GRPC',
      schemaVersion: 4,
    });
    expect(fromStruct(issued.data)).toMatchObject({
      policyId,
      sumAssured: money(50_000_000),
      premium: { frequency: 'ANNUAL', paymentTermYears: 4 },
    });
    const lapse = history.messages.find((entry) => entry.type === 'PolicyLapsed')!;
    expect(fromStruct(lapse.metadata).actor).toEqual({ id: 'system-key', roles: ['system'] });

    const tail = await serverStream(
      api.queries,
      'GetPolicyHistory',
      { policy_id: policyId, from_revision: 11 },
      { role: 'auditor' },
    );
    expect(tail.messages.map((entry) => entry.type)).toEqual(['SurvivalBenefitPaid', 'PolicyMatured']);
  });

  it('GetPolicy as of an earlier instant or revision returns the state then', async () => {
    const history = await serverStream(api.queries, 'GetPolicyHistory', { policy_id: policyId }, { role: 'auditor' });
    const lapsedAt = history.messages.find((entry) => entry.type === 'PolicyLapsed')!;
    const asOf = await view({ as_of: lapsedAt.recorded_at });
    expect(asOf).toMatchObject({ revision: lapsedAt.revision, status: 'LAPSED' });
    const atRevision = await view({ revision: 2 });
    expect(atRevision).toMatchObject({ revision: 2, status: 'IN_FORCE', endorsement_count: 2 });
    expect((atRevision.beneficiaries as { name: string }[]).map((b) => b.name)).toEqual(['Wang Fang', 'Li Lei']);
    const beforeIssue = await unary(
      api.queries,
      'GetPolicy',
      { policy_id: policyId, as_of: '2020-01-01T00:00:00Z' },
      { role: 'auditor' },
    );
    expect(failure(beforeIssue)).toMatchObject({ code: status.NOT_FOUND, reason: 'POLICY_NOT_FOUND' });
  });
});

describe('agents over gRPC: register, depart (MANUAL), reassign the orphan', () => {
  let api: GrpcTestApi;
  beforeAll(async () => {
    api = await startGrpcTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const register = (agentId: string, role: string) =>
    unary(
      api.commands,
      'RegisterAgent',
      { agent_id: agentId, name: `Agent ${agentId}`, role, branch_code: 'SH-001', region: 'EAST' },
      { role: 'supervisor' },
    );

  it('RegisterAgent, GetAgent, RecordAgentDeparture and ReassignOrphanPolicy', async () => {
    const registered = await register('AG-OLD', 'SERVICING');
    expect(registered.ok && registered.reply).toEqual({
      agent_id: 'AG-OLD',
      revision: 0,
      events: [{ event_id: expect.any(String), type: 'AgentRegistered', revision: 0 }],
    });
    expect((await register('AG-NEW', 'SERVICING')).ok).toBe(true);
    const agent = await unary(api.queries, 'GetAgent', { agent_id: 'AG-OLD' });
    expect(agent.ok && agent.reply).toMatchObject({ agent_id: 'AG-OLD', status: 'ACTIVE', role: 'SERVICING' });
    expect(agent.ok && agent.headers.etag).toBe('0');

    const issued = await unary(
      api.commands,
      'IssuePolicy',
      protoFields(
        issuePolicyBody('GORPH-0001', { servicing: { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-OLD' } }),
      ),
    );
    expect(issued.ok).toBe(true);
    const departed = await unary(
      api.commands,
      'RecordAgentDeparture',
      { agent_id: 'AG-OLD', departed_on: '2026-06-10', reassignment: 'MANUAL', expected_revision: 0 },
      { role: 'supervisor' },
    );
    expect(departed.ok && departed.reply).toMatchObject({ agent_id: 'AG-OLD', revision: 1 });
    const orphaned = await unary(api.queries, 'GetPolicy', { policy_id: 'GORPH-0001' });
    expect(orphaned.ok && orphaned.reply.servicing).toEqual({
      branch_code: 'SH-001',
      region: 'EAST',
      agent_id: 'AG-OLD',
      orphaned: true,
    });
    const reassigned = await unary(
      api.commands,
      'ReassignOrphanPolicy',
      { policy_id: 'GORPH-0001', to_agent_id: 'AG-NEW', effective_date: '2026-06-12' },
      { role: 'supervisor' },
    );
    expect(reassigned.ok && (reassigned.reply.events as { type: string }[])[0].type).toBe('OrphanPolicyReassigned');
    const departedAgent = await unary(api.queries, 'GetAgent', { agent_id: 'AG-OLD' }, { role: 'auditor' });
    expect(departedAgent.ok && departedAgent.reply).toMatchObject({
      status: 'DEPARTED',
      departed_on: '2026-06-10',
      reassignment: 'MANUAL',
    });
  });
});
