import { bearer, removeDataDir, startTestApi, type TestApi, E2E_STORE } from './support/test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';

/**
 * One policy through every command family, over HTTP against the real app and the embedded store. Business
 * "today" is pinned at 2026-06-15; the policy runs 2022-01-15 → 2026-01-15 with annual premiums.
 */
describe(`policy servicing over REST (${E2E_STORE.mode})`, () => {
  let api: TestApi;
  const policyId = 'SCEN-0001';
  const path = `/v1/policies/${policyId}`;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  async function post(
    url: string,
    role: Parameters<typeof bearer>[0],
    body: object,
    headers: Record<string, string> = {},
  ) {
    return api.http().post(url).set('Authorization', bearer(role)).set(headers).send(body);
  }
  async function view() {
    const response = await api.http().get(path).set('Authorization', bearer('clerk')).expect(200);
    return response.body;
  }

  it('issue → 201 with the event, ETag "0", correlation id echoed', async () => {
    const response = await post('/v1/policies', 'clerk', issuePolicyBody(policyId), {
      'X-Correlation-Id': 'scenario-issue-1',
    });
    expect(response.status).toBe(201);
    expect(response.headers.etag).toBe('"0"');
    expect(response.headers['x-correlation-id']).toBe('scenario-issue-1');
    expect(response.body).toEqual({
      policyId,
      revision: 0,
      events: [{ eventId: expect.any(String), type: 'PolicyIssued', revision: 0 }],
    });
    const policy = await view();
    expect(policy).toMatchObject({ policyId, revision: 0, status: 'IN_FORCE', currency: 'CNY', endorsementCount: 0 });
    expect(policy.premium.paidInstallments).toBe(1);
    expect(policy.premium.nextInstallment).toEqual({
      installmentNo: 2,
      dueDate: '2023-01-15',
      amount: money(MODAL_PREMIUM),
    });
  });

  it('the same policy again → 409 POLICY_ALREADY_EXISTS', async () => {
    const response = await post('/v1/policies', 'clerk', issuePolicyBody(policyId));
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('POLICY_ALREADY_EXISTS');
  });

  it('contract change with several kinds → one endorsement, applied atomically', async () => {
    const response = await post(`${path}/contract-changes`, 'clerk', {
      effectiveDate: '2022-02-01',
      changes: [
        { kind: 'CONTACT', phone: '+86 139 0000 0002', address: '1 Nanjing Rd, Shanghai' },
        { kind: 'OCCUPATION', party: 'INSURED', occupationCode: 'STUDENT' },
        { kind: 'DISCLOSURE', text: 'Insured took up competitive swimming.', documentRef: 'DOC-7' },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body.events.map((event: { type: string }) => event.type)).toEqual(['ContractChanged']);
    const policy = await view();
    expect(policy.endorsementCount).toBe(1);
    expect(policy.policyholder.phone).toBe('+86 139 0000 0002');
    expect(policy.insured.occupationCode).toBe('STUDENT');
  });

  it('a contract change whose second kind breaks a rule writes nothing (422 UNKNOWN_RIDER)', async () => {
    const response = await post(`${path}/contract-changes`, 'clerk', {
      effectiveDate: '2022-03-01',
      changes: [
        { kind: 'CONTACT', email: 'li.wei@example.com' },
        { kind: 'RIDER_REMOVED', riderCode: 'NOPE' },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('UNKNOWN_RIDER');
    expect((await view()).revision).toBe(1);
  });

  it('beneficiary change → BeneficiariesChanged with the next endorsement', async () => {
    const response = await post(`${path}/beneficiary-changes`, 'clerk', {
      effectiveDate: '2022-06-01',
      designatedBy: 'POLICYHOLDER',
      insuredConsent: true,
      beneficiaries: [
        { name: 'Wang Fang', relationship: 'PARENT', order: 1, sharePercent: 60 },
        { name: 'Li Lei', relationship: 'SIBLING', order: 1, sharePercent: 40 },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body.revision).toBe(2);
    const policy = await view();
    expect(policy.beneficiaries.map((beneficiary: { name: string }) => beneficiary.name)).toEqual([
      'Wang Fang',
      'Li Lei',
    ]);
    expect(policy.endorsementCount).toBe(2);
  });

  it('reminder and its delivery outcome; a second outcome → 422', async () => {
    const sent = await post(`${path}/premium-reminders`, 'system', {
      installmentNo: 2,
      kind: 'PRE_DUE',
      channel: 'SMS',
      sentOn: '2022-12-15',
    });
    expect(sent.status).toBe(201);
    expect(sent.body.events[0].type).toBe('PremiumReminderSent');
    const delivery = await post(`${path}/premium-reminders/${policyId}-R1/delivery`, 'clerk', {
      outcome: 'DELIVERED',
      recordedOn: '2022-12-20',
    });
    expect(delivery.status).toBe(201);
    expect(delivery.body.events[0].type).toBe('PremiumReminderDeliveryRecorded');
    const again = await post(`${path}/premium-reminders/${policyId}-R1/delivery`, 'clerk', {
      outcome: 'RETURNED',
      recordedOn: '2022-12-21',
    });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('REMINDER_DELIVERY_ALREADY_RECORDED');
    const unknown = await post(`${path}/premium-reminders/${policyId}-R9/delivery`, 'clerk', {
      outcome: 'RETURNED',
      recordedOn: '2022-12-21',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('REMINDER_NOT_FOUND');
  });

  it('payment of the next installment; a wrong amount and an out-of-order installment are rejected', async () => {
    const wrongAmount = await post(`${path}/premium-payments`, 'clerk', {
      installmentNo: 2,
      amount: money(1),
      paidOn: '2023-01-10',
      receiptNo: 'R-2',
    });
    expect(wrongAmount.status).toBe(422);
    expect(wrongAmount.body.code).toBe('PREMIUM_AMOUNT_MISMATCH');
    const outOfOrder = await post(`${path}/premium-payments`, 'clerk', {
      installmentNo: 3,
      amount: money(MODAL_PREMIUM),
      paidOn: '2023-01-10',
      receiptNo: 'R-3',
    });
    expect(outOfOrder.status).toBe(422);
    expect(outOfOrder.body.code).toBe('INSTALLMENT_OUT_OF_ORDER');
    const paid = await post(`${path}/premium-payments`, 'system', {
      installmentNo: 2,
      amount: money(MODAL_PREMIUM),
      paidOn: '2023-01-10',
      receiptNo: 'R-2',
    });
    expect(paid.status).toBe(201);
    expect(paid.body.events[0].type).toBe('PremiumPaid');
    expect((await view()).premium.paidInstallments).toBe(2);
  });

  it('lapse: before the grace period is over → 422; after it → PolicyLapsed (system only)', async () => {
    const clerk = await post(`${path}/lapses`, 'clerk', { lapsedOn: '2024-04-01' });
    expect(clerk.status).toBe(403);
    const early = await post(`${path}/lapses`, 'system', { lapsedOn: '2024-02-01' });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('GRACE_PERIOD_NOT_OVER');
    const lapsed = await post(`${path}/lapses`, 'system', { lapsedOn: '2024-04-01' });
    expect(lapsed.status).toBe(201);
    const policy = await view();
    expect(policy.status).toBe('LAPSED');
    // Installment 3 (due 2024-01-15) lapses the policy by law from 2024-03-16: the window runs from that day.
    expect(policy.lapse).toEqual({ lapsedOn: '2024-04-01', reinstatementDeadline: '2026-03-16' });
  });

  it('quote, then reinstatement paying exactly the quote (a different amount → ARREARS_MISMATCH)', async () => {
    const quote = await api
      .http()
      .get(`${path}/reinstatement-quote?on=2024-05-01`)
      .set('Authorization', bearer('supervisor'));
    expect(quote.status).toBe(200);
    expect(quote.body.installments.map((line: { installmentNo: number }) => line.installmentNo)).toEqual([3]);
    expect(quote.body.premiums).toEqual(money(MODAL_PREMIUM));
    // 500000 × 5 % × 107 days / 365 = 7328.77 → 7329
    expect(quote.body.interest).toEqual(money(7329));
    expect(quote.body.total).toEqual(money(MODAL_PREMIUM + 7329));

    const short = await post(`${path}/reinstatements`, 'supervisor', {
      reinstatedOn: '2024-05-01',
      arrearsPaid: money(MODAL_PREMIUM),
      healthDeclarationRef: 'HD-1',
    });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('ARREARS_MISMATCH');
    const reinstated = await post(`${path}/reinstatements`, 'supervisor', {
      reinstatedOn: '2024-05-01',
      arrearsPaid: quote.body.total,
      healthDeclarationRef: 'HD-1',
    });
    expect(reinstated.status).toBe(201);
    expect(reinstated.body.events[0].type).toBe('PolicyReinstated');
    const policy = await view();
    expect(policy.status).toBe('IN_FORCE');
    expect(policy.premium.nextInstallment.installmentNo).toBe(4);
  });

  it('waiver from the next installment due after the event (supervisor only)', async () => {
    const clerk = await post(`${path}/waivers`, 'clerk', {
      reason: 'POLICYHOLDER_TOTAL_DISABILITY',
      eventDate: '2024-06-01',
      evidenceRef: 'MED-1',
    });
    expect(clerk.status).toBe(403);
    const waived = await post(`${path}/waivers`, 'supervisor', {
      reason: 'POLICYHOLDER_TOTAL_DISABILITY',
      eventDate: '2024-06-01',
      evidenceRef: 'MED-1',
    });
    expect(waived.status).toBe(201);
    const policy = await view();
    expect(policy.premium.waiver).toMatchObject({ waivedFromInstallment: 4, waivedFromDate: '2025-01-15' });
    const again = await post(`${path}/waivers`, 'supervisor', {
      reason: 'POLICYHOLDER_DEATH',
      eventDate: '2024-07-01',
      evidenceRef: 'MED-2',
    });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('WAIVER_ALREADY_ACTIVE');
  });

  it('transfer to another branch; to the same branch → 422', async () => {
    const same = await post(`${path}/transfers`, 'clerk', {
      toBranchCode: 'SH-001',
      toRegion: 'EAST',
      effectiveDate: '2024-07-01',
      reason: 'RELOCATION',
    });
    expect(same.status).toBe(422);
    expect(same.body.code).toBe('TRANSFER_TO_SAME_BRANCH');
    const moved = await post(`${path}/transfers`, 'clerk', {
      toBranchCode: 'BJ-002',
      toRegion: 'NORTH',
      effectiveDate: '2024-07-01',
      reason: 'RELOCATION',
    });
    expect(moved.status).toBe(201);
    expect((await view()).servicing).toMatchObject({ branchCode: 'BJ-002', region: 'NORTH' });
  });

  it('survival benefit, then the maturity payment closes the policy', async () => {
    const payee = { name: 'Li Wei', accountRef: 'ACC-1' };
    const survival = await post(`${path}/survival-benefit-payments`, 'supervisor', {
      periodNo: 1,
      paidOn: '2024-07-10',
      payee,
      paymentRef: 'PAY-1',
      lifeConfirmationRef: 'LIFE-1',
    });
    expect(survival.status).toBe(201);
    expect(survival.body.events.map((event: { type: string }) => event.type)).toEqual(['SurvivalBenefitPaid']);
    const twice = await post(`${path}/survival-benefit-payments`, 'supervisor', {
      periodNo: 1,
      paidOn: '2024-07-11',
      payee,
      paymentRef: 'PAY-1b',
      lifeConfirmationRef: 'LIFE-1',
    });
    expect(twice.status).toBe(422);
    expect(twice.body.code).toBe('SURVIVAL_BENEFIT_ALREADY_PAID');

    const maturity = await post(`${path}/survival-benefit-payments`, 'supervisor', {
      periodNo: 2,
      paidOn: '2026-01-20',
      payee,
      paymentRef: 'PAY-2',
      lifeConfirmationRef: 'LIFE-2',
    });
    expect(maturity.status).toBe(201);
    expect(maturity.body.events.map((event: { type: string }) => event.type)).toEqual([
      'SurvivalBenefitPaid',
      'PolicyMatured',
    ]);
    expect(maturity.headers.etag).toBe(`"${maturity.body.revision}"`);
    const policy = await view();
    expect(policy.status).toBe('MATURED');
    expect(policy.survivalBenefits.map((benefit: { paidOn: string | null }) => benefit.paidOn)).toEqual([
      '2024-07-10',
      '2026-01-20',
    ]);

    const closed = await post(`${path}/transfers`, 'clerk', {
      toBranchCode: 'SH-001',
      toRegion: 'EAST',
      effectiveDate: '2026-02-01',
      reason: 'RELOCATION',
    });
    expect(closed.status).toBe(422);
    expect(closed.body.code).toBe('POLICY_CLOSED');
  });

  it('history: every event with the metadata of DESIGN 2.6, paged', async () => {
    const first = await api.http().get(`${path}/events?limit=5`).set('Authorization', bearer('auditor')).expect(200);
    expect(first.body.events).toHaveLength(5);
    expect(first.body.nextFromRevision).toBe(5);
    const rest = await api
      .http()
      .get(`${path}/events?fromRevision=5`)
      .set('Authorization', bearer('auditor'))
      .expect(200);
    expect(rest.body.nextFromRevision).toBeNull();
    const all = [...first.body.events, ...rest.body.events];
    expect(all.map((event: { revision: number }) => event.revision)).toEqual(
      all.map((_: unknown, index: number) => index),
    );
    expect(all.map((event: { type: string }) => event.type)).toEqual([
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
    const issued = all[0];
    expect(issued.schemaVersion).toBe(4); // PolicyIssued v4 (product version, automatic premium loan election)
    expect(issued.metadata).toMatchObject({
      eventId: issued.eventId,
      correlationId: 'scenario-issue-1',
      causationId: 'scenario-issue-1',
      actor: { id: 'clerk-key', roles: ['clerk'] },
      channel: 'REST',
      schemaVersion: 4,
    });
    expect(issued.recordedAt).toMatch(/^2026-06-15T08:/);
    const lapse = all.find((event: { type: string }) => event.type === 'PolicyLapsed');
    expect(lapse.metadata.actor).toEqual({ id: 'system-key', roles: ['system'] });
  });
});

describe('agent departure → manual orphan reassignment', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const post = (url: string, role: Parameters<typeof bearer>[0], body: object) =>
    api.http().post(url).set('Authorization', bearer(role)).send(body);
  const register = (agentId: string, role: 'SALES' | 'SERVICING') =>
    post('/v1/agents', 'supervisor', { agentId, name: `Agent ${agentId}`, role, branchCode: 'SH-001', region: 'EAST' });

  it('registers agents (supervisor only; twice → 409)', async () => {
    const clerk = await post('/v1/agents', 'clerk', {
      agentId: 'AG-OLD',
      name: 'Old',
      role: 'SERVICING',
      branchCode: 'SH-001',
      region: 'EAST',
    });
    expect(clerk.status).toBe(403);
    const registered = await register('AG-OLD', 'SERVICING');
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({
      agentId: 'AG-OLD',
      revision: 0,
      events: [{ eventId: expect.any(String), type: 'AgentRegistered', revision: 0 }],
    });
    expect((await register('AG-NEW', 'SERVICING')).status).toBe(201);
    expect((await register('AG-SALES', 'SALES')).status).toBe(201);
    const twice = await register('AG-OLD', 'SERVICING');
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('AGENT_ALREADY_EXISTS');
    const agent = await api.http().get('/v1/agents/AG-OLD').set('Authorization', bearer('clerk')).expect(200);
    expect(agent.headers.etag).toBe('"0"');
    expect(agent.body).toMatchObject({ agentId: 'AG-OLD', status: 'ACTIVE', role: 'SERVICING', departedOn: null });
    const missing = await api.http().get('/v1/agents/AG-NONE').set('Authorization', bearer('clerk'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('AGENT_NOT_FOUND');
  });

  it('an active agent’s policy is not orphaned → 422 POLICY_NOT_ORPHANED', async () => {
    const issued = await post(
      '/v1/policies',
      'clerk',
      issuePolicyBody('ORPH-0001', { servicing: { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-OLD' } }),
    );
    expect(issued.status).toBe(201);
    const early = await post('/v1/policies/ORPH-0001/orphan-reassignments', 'supervisor', {
      toAgentId: 'AG-NEW',
      effectiveDate: '2026-06-01',
    });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('POLICY_NOT_ORPHANED');
  });

  it('MANUAL departure leaves the policy orphaned until a supervisor reassigns it to an eligible agent', async () => {
    const departed = await post('/v1/agents/AG-OLD/departure', 'supervisor', {
      departedOn: '2026-06-10',
      reassignment: 'MANUAL',
    });
    expect(departed.status).toBe(201);
    expect(departed.body.events[0].type).toBe('AgentDeparted');
    const orphaned = await api
      .http()
      .get('/v1/policies/ORPH-0001')
      .set('Authorization', bearer('supervisor'))
      .expect(200);
    expect(orphaned.body.servicing).toEqual({
      branchCode: 'SH-001',
      region: 'EAST',
      agentId: 'AG-OLD',
      orphaned: true,
    });

    const toSales = await post('/v1/policies/ORPH-0001/orphan-reassignments', 'supervisor', {
      toAgentId: 'AG-SALES',
      effectiveDate: '2026-06-12',
    });
    expect(toSales.status).toBe(422);
    expect(toSales.body.code).toBe('ASSIGNEE_NOT_ELIGIBLE');
    const clerk = await post('/v1/policies/ORPH-0001/orphan-reassignments', 'clerk', {
      toAgentId: 'AG-NEW',
      effectiveDate: '2026-06-12',
    });
    expect(clerk.status).toBe(403);

    const reassigned = await post('/v1/policies/ORPH-0001/orphan-reassignments', 'supervisor', {
      toAgentId: 'AG-NEW',
      effectiveDate: '2026-06-12',
    });
    expect(reassigned.status).toBe(201);
    expect(reassigned.body.events[0].type).toBe('OrphanPolicyReassigned');
    const after = await api.http().get('/v1/policies/ORPH-0001').set('Authorization', bearer('clerk')).expect(200);
    expect(after.body.servicing).toEqual({ branchCode: 'SH-001', region: 'EAST', agentId: 'AG-NEW', orphaned: false });

    const history = await api
      .http()
      .get('/v1/policies/ORPH-0001/events')
      .set('Authorization', bearer('auditor'))
      .expect(200);
    expect(history.body.events[1].data).toMatchObject({
      fromAgentId: 'AG-OLD',
      toAgentId: 'AG-NEW',
      strategy: 'MANUAL',
    });
  });

  it('a departed agent cannot depart again', async () => {
    const again = await post('/v1/agents/AG-OLD/departure', 'supervisor', { departedOn: '2026-06-11' });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('AGENT_NOT_ACTIVE');
  });
});
