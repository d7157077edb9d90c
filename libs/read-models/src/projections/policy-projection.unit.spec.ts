import { CN_RULE_PROFILE } from '@lib/policy-domain';
import { reinstatementQuote } from '@lib/policy-domain';
import { InMemoryReadModel } from '../testing/in-memory-read-model';
import { cny, ScenarioLog } from '../testing/scenario-log';
import { policySummaryRow, premiumInstallmentRows, survivalBenefitRows } from './policy-projection';

const P = 'P-2024-0001';

function project(log: ScenarioLog): InMemoryReadModel {
  const model = new InMemoryReadModel();
  model.apply(log.events);
  return model;
}

function installment(model: InMemoryReadModel, installmentNo: number) {
  return model.rowsOf('premium_installments', P).find((row) => row.installmentNo === installmentNo);
}

function summary(model: InMemoryReadModel) {
  return model.rows('policy_summary').find((row) => row.policyId === P)!;
}

describe('policy projection', () => {
  it('PolicyIssued creates the schedule rows of the payment term, installment 1 paid at issue', () => {
    const model = project(new ScenarioLog().issue({ policyId: P }));

    const rows = model.rowsOf('premium_installments', P);
    expect(rows.map((row) => [row.installmentNo, row.dueDate, row.status])).toEqual([
      [1, '2024-03-15', 'PAID'],
      [2, '2025-03-15', 'DUE'],
      [3, '2026-03-15', 'DUE'],
      [4, '2027-03-15', 'DUE'],
      [5, '2028-03-15', 'DUE'],
      [6, '2029-03-15', 'DUE'],
      [7, '2030-03-15', 'DUE'],
      [8, '2031-03-15', 'DUE'],
      [9, '2032-03-15', 'DUE'],
      [10, '2033-03-15', 'DUE'],
    ]);
    expect(rows[0]).toMatchObject({ amount: 120_000, currency: 'CNY', settledBy: 'AT_ISSUE', paidOn: '2024-03-15' });
    expect(rows[1]).toMatchObject({ amount: 120_000, paidOn: null, settledBy: null, preDueReminders: 0 });
  });

  it('PolicyIssued records the policy context, its survival-benefit plan and one issue transaction', () => {
    const model = project(new ScenarioLog().issue({ policyId: P }));

    expect(summary(model)).toMatchObject({
      status: 'IN_FORCE',
      branchCode: 'BJ01',
      region: 'NORTH',
      agentId: 'A-001',
      currency: 'CNY',
      frequency: 'ANNUAL',
      installmentCount: 10,
      paidInstallments: 1,
      nextInstallmentNo: 2,
      nextDueDate: '2025-03-15',
      // CN: 60 days of grace after 2025-03-15 end on 2025-05-14; the policy may lapse from the day after.
      lapseEligibleFrom: '2025-05-15',
      premiumWaiver: false,
    });
    expect(
      model.rowsOf('survival_benefits', P).map((row) => [row.periodNo, row.kind, row.dueDate, row.status]),
    ).toEqual([
      [1, 'SURVIVAL', '2029-03-15', 'DUE'],
      [2, 'SURVIVAL', '2034-03-15', 'DUE'],
      [3, 'MATURITY', '2044-03-15', 'DUE'],
    ]);
    expect(model.rows('servicing_activity')).toEqual([
      { activityDate: '2024-03-15', branchCode: 'BJ01', transactionType: 'PolicyIssued', transactions: 1 },
    ]);
  });

  it('an event that changes none of the policy facts leaves the summary row unwritten', () => {
    const log = new ScenarioLog().issue({ policyId: P });
    const model = project(log);

    const reminder = model.apply(log.remind(P, 2, 'PRE_DUE', '2025-02-13').events.slice(1));

    expect(reminder.changes.changesOf('policy_summary').upserts).toEqual([]);
    expect(reminder.changes.changesOf('premium_installments').upserts).toHaveLength(1);
  });

  it('PremiumPaid marks the installment paid and moves the next installment on', () => {
    const model = project(new ScenarioLog().issue({ policyId: P }).pay(P, '2025-03-10'));

    expect(installment(model, 2)).toMatchObject({
      status: 'PAID',
      paidOn: '2025-03-10',
      settledBy: 'PREMIUM_PAYMENT',
      receiptNo: `R-${P}-2`,
    });
    expect(installment(model, 3)!.status).toBe('DUE');
    expect(summary(model)).toMatchObject({ paidInstallments: 2, nextInstallmentNo: 3, nextDueDate: '2026-03-15' });
  });

  it('reminders mark the installment reminded, counted by kind; a delivered overdue notice brings the lapse date forward where the notice rule is agreed', () => {
    const log = new ScenarioLog()
      .issue({ policyId: P }, { ...CN_RULE_PROFILE, noticeShortensGrace: true })
      .remind(P, 2, 'PRE_DUE', '2025-02-13')
      .remind(P, 2, 'PRE_DUE', '2025-03-08')
      .remind(P, 2, 'OVERDUE_NOTICE', '2025-03-20');
    const sent = project(log);

    expect(installment(sent, 2)).toMatchObject({
      status: 'REMINDED',
      preDueReminders: 2,
      overdueNotices: 1,
      lastRemindedOn: '2025-03-20',
    });
    // Sent but not delivered: the notice has not taken effect; the grace period ends 2025-05-14.
    expect(summary(sent).lapseEligibleFrom).toBe('2025-05-15');
    // Delivered 2025-03-25 + 30 days = 2025-04-24, earlier than the grace end 2025-05-14.
    const delivered = project(log.recordDelivery(P, `${P}-R3`, 'DELIVERED', '2025-03-25'));
    expect(summary(delivered).lapseEligibleFrom).toBe('2025-04-25');
  });

  it('a RETURNED overdue notice does not count: the lapse date falls back to the end of grace', () => {
    const log = new ScenarioLog()
      .issue({ policyId: P })
      .remind(P, 2, 'OVERDUE_NOTICE', '2025-03-20')
      .recordDelivery(P, `${P}-R1`, 'RETURNED', '2025-03-25');
    const model = project(log);

    expect(summary(model).lapseEligibleFrom).toBe('2025-05-15');
    expect(installment(model, 2)!.overdueNotices).toBe(1);
  });

  it('PremiumWaived marks the future installments waived; nothing is open any more', () => {
    const model = project(new ScenarioLog().issue({ policyId: P }).pay(P, '2025-03-10').waive(P, '2025-06-01'));

    const statuses = model.rowsOf('premium_installments', P).map((row) => row.status);
    expect(statuses).toEqual([
      'PAID',
      'PAID',
      'WAIVED',
      'WAIVED',
      'WAIVED',
      'WAIVED',
      'WAIVED',
      'WAIVED',
      'WAIVED',
      'WAIVED',
    ]);
    expect(summary(model)).toMatchObject({ premiumWaiver: true, nextInstallmentNo: null, lapseEligibleFrom: null });
  });

  it('PolicyLapsed marks the installment lapsed and records the reinstatement deadline', () => {
    const model = project(new ScenarioLog().issue({ policyId: P }).lapse(P, '2025-05-15'));

    expect(installment(model, 2)!.status).toBe('LAPSED');
    expect(installment(model, 3)!.status).toBe('DUE');
    expect(model.rowsOf('lapses_reinstatements', P)).toEqual([
      {
        policyId: P,
        lapseNo: 1,
        lapsedOn: '2025-05-15',
        installmentNo: 2,
        dueDate: '2025-03-15',
        reinstatementDeadline: '2027-05-15',
        cause: 'PREMIUM_UNPAID',
        status: 'LAPSED',
        reinstatedOn: null,
        installmentsCovered: null,
        reinstatementPremiums: null,
        reinstatementInterest: null,
        reinstatementTotal: null,
        currency: 'CNY',
        terminatedOn: null,
        terminationReason: null,
      },
    ]);
    expect(summary(model)).toMatchObject({
      status: 'LAPSED',
      lapsedOn: '2025-05-15',
      reinstatementDeadline: '2027-05-15',
      lapseEligibleFrom: null,
    });
  });

  it('reinstatement covers the arrears installments and closes the lapse as REINSTATED; a later lapse is lapse 2', () => {
    const log = new ScenarioLog().issue({ policyId: P }).lapse(P, '2025-05-15');
    const quote = reinstatementQuote(log.policyState(P), '2026-04-01');
    log.reinstate(P, '2026-04-01').lapse(P, '2027-05-15');
    const model = project(log);

    expect(installment(model, 2)).toMatchObject({ status: 'PAID', settledBy: 'REINSTATEMENT', paidOn: '2026-04-01' });
    expect(installment(model, 3)).toMatchObject({ status: 'PAID', settledBy: 'REINSTATEMENT', paidOn: '2026-04-01' });
    expect(installment(model, 4)!.status).toBe('LAPSED');
    const [first, second] = model.rowsOf('lapses_reinstatements', P);
    expect(first).toMatchObject({
      lapseNo: 1,
      status: 'REINSTATED',
      reinstatedOn: '2026-04-01',
      installmentsCovered: 2,
      reinstatementPremiums: quote.premiums.amount,
      reinstatementInterest: quote.interest.amount,
      reinstatementTotal: quote.total.amount,
    });
    expect(quote.interest.amount).toBeGreaterThan(0);
    expect(second).toMatchObject({ lapseNo: 2, lapsedOn: '2027-05-15', installmentNo: 4, status: 'LAPSED' });
    expect(summary(model)).toMatchObject({ status: 'LAPSED', reinstatementCount: 1 });
  });

  it('LAPSE_EXPIRED termination ends the lapse as TERMINATED and cancels what was still due', () => {
    const model = project(
      new ScenarioLog().issue({ policyId: P }).lapse(P, '2025-05-15').terminate(P, '2027-05-16', 'LAPSE_EXPIRED'),
    );

    expect(model.rowsOf('lapses_reinstatements', P)[0]).toMatchObject({
      status: 'TERMINATED',
      terminatedOn: '2027-05-16',
      terminationReason: 'LAPSE_EXPIRED',
    });
    const statuses = model.rowsOf('premium_installments', P).map((row) => row.status);
    expect(statuses.slice(0, 3)).toEqual(['PAID', 'LAPSED', 'CANCELLED']);
    expect(new Set(statuses.slice(2))).toEqual(new Set(['CANCELLED']));
    expect(model.rowsOf('survival_benefits', P).map((row) => row.status)).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(summary(model)).toMatchObject({
      status: 'TERMINATED',
      statusReason: 'LAPSE_EXPIRED',
      nextInstallmentNo: null,
    });
  });

  it('a survival benefit payment marks its period paid', () => {
    const log = new ScenarioLog().issue({ policyId: P });
    // Premiums paid to 2030 (installments 2–6): in force on period 1's due date, 2029-03-15.
    for (const paidOn of ['2025-03-10', '2026-03-10', '2027-03-10', '2028-03-10', '2029-03-10']) log.pay(P, paidOn);
    const model = project(log.payBenefit(P, 1, '2029-03-20'));

    expect(model.rowsOf('survival_benefits', P)[0]).toMatchObject({
      periodNo: 1,
      status: 'PAID',
      paidOn: '2029-03-20',
      paymentRef: `PAY-${P}-1`,
      payeeName: 'Li Wei',
    });
    expect(model.rowsOf('survival_benefits', P)[1]!.status).toBe('DUE');
  });

  it('the maturity payment matures the policy', () => {
    const log = new ScenarioLog().issue({
      policyId: P,
      premium: { modalPremium: cny(50_000), frequency: 'ANNUAL', paymentTermYears: 2, paymentMethod: { type: 'CASH' } },
      maturityDate: '2026-03-15',
      survivalBenefits: [{ periodNo: 1, kind: 'MATURITY', dueDate: '2026-03-15', amount: cny(200_000) }],
    });
    const model = project(log.pay(P, '2025-03-15').payBenefit(P, 1, '2026-03-16'));

    expect(summary(model)).toMatchObject({ status: 'MATURED', nextInstallmentNo: null });
    expect(model.rowsOf('survival_benefits', P)[0]).toMatchObject({ status: 'PAID', kind: 'MATURITY' });
    expect(model.rowsOf('premium_installments', P).map((row) => row.status)).toEqual(['PAID', 'PAID']);
    expect(model.rows('servicing_activity').map((row) => row.transactionType)).toEqual([
      'PolicyIssued',
      'PremiumPaid',
      'PolicyMatured',
      'SurvivalBenefitPaid',
    ]);
  });

  it('a transfer records both branches and agents; the transaction counts for the branch that made it', () => {
    const log = new ScenarioLog()
      .registerAgent('A-002', 'SH01', 'EAST')
      .issue({ policyId: P })
      .transfer(P, { branchCode: 'SH01', region: 'EAST', agentId: 'A-002' }, '2025-01-01');
    const model = project(log);

    expect(model.rowsOf('transfers', P)).toEqual([
      {
        policyId: P,
        revision: 1,
        effectiveDate: '2025-01-01',
        reason: 'RELOCATION',
        fromBranchCode: 'BJ01',
        toBranchCode: 'SH01',
        fromRegion: 'NORTH',
        toRegion: 'EAST',
        fromAgentId: 'A-001',
        toAgentId: 'A-002',
      },
    ]);
    expect(summary(model)).toMatchObject({ branchCode: 'SH01', region: 'EAST', agentId: 'A-002' });
    expect(model.rows('servicing_activity')).toContainEqual({
      activityDate: '2025-01-01',
      branchCode: 'BJ01',
      transactionType: 'PolicyTransferred',
      transactions: 1,
    });
  });

  it('a frequency change rewrites the schedule and deletes the installments beyond its new end', () => {
    const log = new ScenarioLog().issue({
      policyId: P,
      premium: {
        modalPremium: cny(10_000),
        frequency: 'MONTHLY',
        paymentTermYears: 10,
        paymentMethod: { type: 'CASH' },
      },
    });
    const before = project(log);
    expect(before.rowsOf('premium_installments', P)).toHaveLength(120);
    for (let month = 1; month <= 11; month++) log.pay(P, log.policyState(P).effectiveDate);
    log.changeContract(P, '2025-03-15', [
      { kind: 'PREMIUM_FREQUENCY', frequency: 'ANNUAL', modalPremium: cny(110_000) },
    ]);
    const model = project(log);

    const rows = model.rowsOf('premium_installments', P);
    expect(rows).toHaveLength(21);
    expect(rows[11]).toMatchObject({ installmentNo: 12, dueDate: '2025-02-15', status: 'PAID', amount: 10_000 });
    expect(rows[12]).toMatchObject({ installmentNo: 13, dueDate: '2025-03-15', status: 'DUE', amount: 110_000 });
    expect(rows[20]).toMatchObject({ installmentNo: 21, dueDate: '2033-03-15', status: 'DUE', amount: 110_000 });
    expect(summary(model)).toMatchObject({ frequency: 'ANNUAL', installmentCount: 21, endorsementCount: 1 });
  });

  it('rows projected event by event equal the rows derived from the final state', () => {
    const Q = 'P-2024-0002';
    const log = new ScenarioLog()
      .registerAgent('A-002', 'SH01', 'EAST')
      .issue({ policyId: P })
      .issue({ policyId: Q, effectiveDate: '2024-01-31', maturityDate: '2040-01-31', survivalBenefits: [] })
      .remind(P, 2, 'PRE_DUE', '2025-02-13')
      .pay(P, '2025-03-10')
      .lapse(Q, '2025-04-02')
      .remind(P, 3, 'OVERDUE_NOTICE', '2026-03-20')
      .transfer(P, { branchCode: 'SH01', region: 'EAST', agentId: 'A-002' }, '2026-04-01')
      .reinstate(Q, '2026-02-01')
      .pay(P, '2026-04-10')
      .waive(P, '2026-06-01')
      .payBenefit(P, 1, '2029-03-15');
    const model = new InMemoryReadModel();
    for (const event of log.events) model.apply([event]);

    for (const policyId of [P, Q]) {
      const state = log.policyState(policyId);
      expect(model.rowsOf('premium_installments', policyId)).toEqual(premiumInstallmentRows(state));
      expect(model.rowsOf('survival_benefits', policyId)).toEqual(survivalBenefitRows(state));
      expect(model.rows('policy_summary').find((row) => row.policyId === policyId)).toEqual(policySummaryRow(state));
    }
  });
});
