/**
 * Policy loans through the API (DESIGN 2.10). The worked-example product lends 80 % of the cash value at 500 basis
 * points; SA 10,000,000 at 120,000 a year from 2024-03-01, paid through installment 3. Today is 2026-06-15 (the test
 * clock): CV = 300,000 + round_half_up(350,000 × 106 / 365) = 401,644, so at most floor(0.8 × 401,644) = 321,315.
 */
import { ServicingDay } from '../src/scheduler/servicing-day';
import { money } from './support/fixtures';
import { waitUntilCaughtUp } from './support/report-scenario';
import { startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { bearer, removeDataDir } from './support/test-api';
import {
  issueWorkedExamplePolicy,
  publishWorkedExampleProduct,
  workedExamplePolicyBody,
} from './support/worked-example';

const PAYEE = { name: '张三', accountRef: 'ACC-6222-0001' };

describe('policy loans (DESIGN 2.10)', () => {
  let api: GrpcTestApi;
  const path = '/v1/policies/LN-0001';

  beforeAll(async () => {
    api = await startGrpcTestApi();
    await publishWorkedExampleProduct(api, 'LN-ENDOW');
    await issueWorkedExamplePolicy(api, 'LN-0001', 'LN-ENDOW', '2024-03-01', 3);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('quote, grant over the limit (422 naming it), grant, repay over gRPC; the view and quotes follow', async () => {
    const quote = await api.http().get(`${path}/loan-quote`).set('Authorization', bearer('clerk')).expect(200);
    expect(quote.body).toEqual({
      policyId: 'LN-0001',
      revision: 2,
      onDate: '2026-06-15',
      cashValue: money(401_644),
      maxPercentOfCashValue: 80,
      interestBasisPoints: 500,
      debt: money(0),
      available: money(321_315),
    });

    const tooMuch = await api
      .http()
      .post(`${path}/loans`)
      .set('Authorization', bearer('supervisor'))
      .send({ amount: money(321_316), grantedOn: '2026-06-15', payee: PAYEE })
      .expect(422);
    expect(tooMuch.body).toMatchObject({ code: 'LOAN_LIMIT_EXCEEDED', detail: expect.stringContaining('321315') });
    const granted = await api
      .http()
      .post(`${path}/loans`)
      .set('Authorization', bearer('supervisor'))
      .send({ amount: money(300_000), grantedOn: '2026-06-15', payee: PAYEE })
      .expect(201);
    expect(granted.body.events).toEqual([expect.objectContaining({ type: 'PolicyLoanGranted', revision: 3 })]);

    // Repaid the same day: no interest has accrued, so all 10,000 goes to principal.
    const repaid = await unary(
      api.commands,
      'RepayPolicyLoan',
      {
        policy_id: 'LN-0001',
        amount: { amount: 10_000, currency: 'CNY' },
        paid_on: '2026-06-15',
        receipt_no: 'RL-1',
      },
      { role: 'clerk' },
    );
    expect(repaid).toMatchObject({ ok: true, reply: { revision: 4 } });

    const view = await api.http().get(path).set('Authorization', bearer('clerk')).expect(200);
    expect(view.body.loan).toEqual({
      balance: money(290_000),
      accruedInterest: money(0),
      debt: money(290_000),
      interestBasisPoints: 500,
      nextCapitalizationOn: '2027-03-01',
      loans: [{ loanNo: 'LN-0001-L1', amount: money(300_000), grantedOn: '2026-06-15' }],
    });
    expect(view.body.payables).toEqual([
      expect.objectContaining({ payableId: 'LN-0001-P1', kind: 'LOAN', amount: money(300_000), status: 'DUE' }),
    ]);
    // 90 days on (2026-09-13): round_half_up(290,000 × 5 % × 90 / 365 = 3,575.34…) = 3,575 of interest.
    const later = await api
      .http()
      .get(`${path}/loan-quote?on=2026-09-13`)
      .set('Authorization', bearer('auditor'))
      .expect(200);
    expect(later.body.debt).toEqual(money(293_575));

    const grpcQuote = await unary(api.queries, 'GetLoanQuote', { policy_id: 'LN-0001' }, { role: 'clerk' });
    expect(grpcQuote).toMatchObject({ ok: true, reply: { available: { amount: 31_315 }, debt: { amount: 290_000 } } });
    // The surrender pays the cash value less the debt: 401,644 − 290,000 = 111,644.
    const surrender = await api.http().get(`${path}/surrender-quote`).set('Authorization', bearer('clerk')).expect(200);
    expect(surrender.body).toMatchObject({ loanDebt: money(290_000), payout: money(111_644) });
  });

  it('the scheduler’s capitalization is refused before its anniversary: 422 CAPITALIZATION_NOT_DUE', async () => {
    const early = await api
      .http()
      .post(`${path}/loan-interest-capitalizations`)
      .set('Authorization', bearer('system'))
      .send({ anniversary: '2027-03-01' })
      .expect(422);
    expect(early.body.code).toBe('CAPITALIZATION_NOT_DUE');
  });

  it('the servicing day capitalizes the interest on the anniversary it fell due, once; the loans report follows', async () => {
    // Effective 2024-06-01, paid through installment 2: on 2025-07-01 the cash value is
    // 0 + round_half_up(300,000 × 30 / 365 = 24,657.5…) = 24,658 → at most floor(0.8 × 24,658) = 19,726; 10,000 lent.
    // Anniversary 2026-06-01: round_half_up(10,000 × 5 % × 335 / 365 = 458.9…) = 459 of interest → 10,459.
    await issueWorkedExamplePolicy(api, 'LN-0002', 'LN-ENDOW', '2024-06-01', 2);
    await api
      .http()
      .post('/v1/policies/LN-0002/loans')
      .set('Authorization', bearer('supervisor'))
      .send({ amount: money(10_000), grantedOn: '2025-07-01', payee: PAYEE })
      .expect(201);

    const servicingDay = api.app.get(ServicingDay);
    const first = await servicingDay.run('2026-06-15');
    expect(first.actions.LOAN_INTEREST_CAPITALIZATION).toEqual({ sent: 1, replayed: 0, skipped: 0, failed: 0 });
    const again = await servicingDay.run('2026-06-15');
    expect(again.actions.LOAN_INTEREST_CAPITALIZATION).toEqual({ sent: 0, replayed: 0, skipped: 0, failed: 0 });
    const view = await api.http().get('/v1/policies/LN-0002').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body.loan).toMatchObject({
      balance: money(10_459),
      accruedInterest: money(0),
      nextCapitalizationOn: '2027-06-01',
    });

    await waitUntilCaughtUp(api);
    const report = await api
      .http()
      .get('/v1/reports/loans?asOf=2026-06-15')
      .set('Authorization', bearer('reporter'))
      .expect(200);
    // LN-0001: 290,000 since 2026-06-15 (no interest yet); LN-0002: 10,459 since 2026-06-01, 14 days:
    // round_half_up(10,459 × 5 % × 14 / 365 = 20.06…) = 20 → debt 10,479.
    expect(report.body.items).toEqual([
      expect.objectContaining({ policyId: 'LN-0001', balance: money(290_000), debt: money(290_000) }),
      expect.objectContaining({
        policyId: 'LN-0002',
        balance: money(10_459),
        accruedThrough: '2026-06-01',
        debt: money(10_479),
        nextCapitalizationOn: '2027-06-01',
        loanCount: 1,
      }),
    ]);
  });

  it('automatic premium loan: elected at issue, the servicing day pays the unpaid installment by a loan, no lapse', async () => {
    // Effective 2023-04-01, installments 1–3 paid; installment 4 (due 2026-04-01) unpaid → lapse date 2026-06-01.
    // Paid to 2026-04-01: three years completed, CV_end(3) = 650,000 covers 120,000.
    const policy = workedExamplePolicyBody('LN-0003', 'LN-ENDOW', '2023-04-01', { automaticPremiumLoan: true });
    // LN-ENDOW does not offer the automatic premium loan.
    const refused = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(policy)
      .expect(422);
    expect(refused.body.code).toBe('APL_NOT_ALLOWED');
    await publishWorkedExampleProduct(api, 'LN-APL', { name: 'Endowment with APL', automaticPremiumLoan: true });
    await issueWorkedExamplePolicy(api, 'LN-0003', 'LN-APL', '2023-04-01', 3, { automaticPremiumLoan: true });
    const lapse = await api
      .http()
      .post('/v1/policies/LN-0003/lapses')
      .set('Authorization', bearer('system'))
      .send({ lapsedOn: '2026-06-01' })
      .expect(422);
    expect(lapse.body.code).toBe('APL_APPLIES');

    const day = await api.app.get(ServicingDay).run('2026-06-15');
    expect(day.actions.AUTOMATIC_PREMIUM_LOAN).toEqual({ sent: 1, replayed: 0, skipped: 0, failed: 0 });
    expect(day.actions.LAPSE.sent).toBe(0);
    const view = await api.http().get('/v1/policies/LN-0003').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body).toMatchObject({
      status: 'IN_FORCE',
      premium: { paidInstallments: 4, nextInstallment: { installmentNo: 5, dueDate: '2027-04-01' } },
      loan: { balance: money(120_000), loans: [{ loanNo: 'LN-0003-L1', grantedOn: '2026-06-15' }] },
    });
  });

  it('nonforfeiture: the servicing day converts to the product default (RPU) instead of lapsing', async () => {
    await publishWorkedExampleProduct(api, 'LN-RPU', {
      name: 'Endowment, reduced paid-up by default',
      nonforfeiture: {
        options: ['RPU', 'ETI'],
        default: 'RPU',
        netSinglePremiumPpm: [300_000, 350_000, 400_000],
        termCostPpm: [1_000, 1_500, 2_000],
      },
    });
    // Effective 2023-04-01, installments 1–3 paid; installment 4 (due 2026-04-01) unpaid → lapse date 2026-06-01.
    // Paid to 2026-04-01: CV_end(3) = 650,000; three years completed → the last NSP, 400,000:
    // floor(650,000 × 10^6 / 400,000) = 1,625,000.
    await issueWorkedExamplePolicy(api, 'LN-0004', 'LN-RPU', '2023-04-01', 3);
    const day = await api.app.get(ServicingDay).run('2026-06-15');
    expect(day.actions.NONFORFEITURE_CONVERSION).toEqual({ sent: 1, replayed: 0, skipped: 0, failed: 0 });
    expect(day.actions.LAPSE.sent).toBe(0);
    const view = await api.http().get('/v1/policies/LN-0004').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body).toMatchObject({
      status: 'IN_FORCE',
      sumAssured: money(1_625_000),
      nonforfeiture: { option: 'RPU', effectiveOn: '2026-06-15', sumAssured: money(1_625_000), coverEndsOn: null },
      premium: { nextInstallment: null },
    });

    // On request over gRPC: LN-ENDOW offers no option → FAILED_PRECONDITION NONFORFEITURE_NOT_OFFERED.
    const refused = await unary(
      api.commands,
      'ElectNonforfeitureOption',
      { policy_id: 'LN-0001', option: 'ETI', effective_on: '2026-06-15' },
      { role: 'supervisor' },
    );
    expect(!refused.ok && refused.status.errorInfo?.reason).toBe('NONFORFEITURE_NOT_OFFERED');
  });

  it('the servicing day warns at 90 % of the cash value and lapses at 100 % (LOAN_EXCEEDS_CASH_VALUE)', async () => {
    // A product lending 95 % whose value falls in year 4 (6.5 % → 2 % of the SA). Policies from 2023-04-01, paid
    // through installment 4 (2026-04-01), lent on 2026-04-01 when CV = CV_end(3) = 650,000. On 2026-06-15 (75 days
    // into year 4, 365 days long) CV = 650,000 + round_half_up(−450,000 × 75 / 365 = −92,465.75…) = 557,534.
    await publishWorkedExampleProduct(api, 'LN-FALL', {
      name: 'Endowment with a falling value',
      cashValuePpm: [0, 30_000, 65_000, 20_000],
      loan: { maxPercentOfCashValue: 95, interestBasisPoints: 500 },
    });
    for (const [policyId, amount] of [
      ['LN-0005', 600_000],
      ['LN-0006', 520_000],
    ] as const) {
      await issueWorkedExamplePolicy(api, policyId, 'LN-FALL', '2023-04-01', 4);
      await api
        .http()
        .post(`/v1/policies/${policyId}/loans`)
        .set('Authorization', bearer('supervisor'))
        .send({ amount: money(amount), grantedOn: '2026-04-01', payee: PAYEE })
        .expect(201);
    }
    // LN-0005: 600,000 + round_half_up(600,000 × 5 % × 75 / 365 = 6,164.38…) = 606,164 ≥ 557,534 → lapse.
    // LN-0006: 520,000 + round_half_up(520,000 × 5 % × 75 / 365 = 5,342.47…) = 525,342 ≥ 90 % of 557,534 → warning.
    const day = await api.app.get(ServicingDay).run('2026-06-15');
    expect(day.actions.LOAN_LAPSE).toEqual({ sent: 1, replayed: 0, skipped: 0, failed: 0 });
    expect(day.actions.LOAN_WARNING).toEqual({ sent: 1, replayed: 0, skipped: 0, failed: 0 });
    const lapsed = await api.http().get('/v1/policies/LN-0005').set('Authorization', bearer('clerk')).expect(200);
    expect(lapsed.body).toMatchObject({
      status: 'LAPSED',
      lapse: { lapsedOn: '2026-06-15', reinstatementDeadline: '2028-06-15' },
    });
    const events = await api
      .http()
      .get('/v1/policies/LN-0006/events?fromRevision=5')
      .set('Authorization', bearer('auditor'))
      .expect(200);
    expect(events.body.events.map((event: { type: string }) => event.type)).toEqual(['LoanWarningSent']);
    expect(events.body.events[0].data).toMatchObject({ debt: money(525_342), cashValue: money(557_534) });
  });
});
