import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evolvePolicy, scheduledInstallments, type PolicyEvent } from '@lib/policy-domain';
import { isIssued, type IssuedPolicy } from '@lib/policy-domain';
import { InMemoryReadModel } from '../testing/in-memory-read-model';
import { cny, ScenarioLog } from '../testing/scenario-log';
import { policySummaryRow, premiumInstallmentRows, survivalBenefitRows } from './policy-projection';
import { compactPolicyState, decodeStreamState, encodeStreamState, type FoldedState } from './projection-state';

const M = 'P-2024-0100';
const A = 'P-2024-0200';
const L = 'P-2024-0300';

/** Every kind of policy event, including the ones that re-derive many installments at once. */
function richHistory(): ScenarioLog {
  const log = new ScenarioLog()
    .registerAgent('A-001', 'BJ01', 'NORTH')
    .registerAgent('A-002', 'SH01', 'EAST')
    .registerAgent('A-003', 'BJ01', 'NORTH')
    .issue({
      policyId: M,
      effectiveDate: '2024-01-31',
      maturityDate: '2044-03-15',
      premium: {
        modalPremium: cny(10_000),
        frequency: 'MONTHLY',
        paymentTermYears: 10,
        paymentMethod: { type: 'CASH' },
      },
    })
    .issue({ policyId: A })
    .issue({ policyId: L, effectiveDate: '2023-06-30', maturityDate: '2043-06-30', survivalBenefits: [] });
  // M: monthly payments with reminders, a returned notice, then a frequency change on the first anniversary.
  for (let month = 1; month <= 11; month++) {
    const next = log.policyState(M).premium.paidInstallments + 1;
    log.remind(M, next, 'PRE_DUE', '2024-02-20');
    log.pay(M, '2024-02-25');
  }
  log
    .remind(M, 13, 'PRE_DUE', '2025-01-20')
    .changeContract(M, '2025-01-31', [
      { kind: 'PREMIUM_FREQUENCY', frequency: 'ANNUAL', modalPremium: cny(110_000) },
      { kind: 'CONTACT', phone: '13800000000' },
    ])
    .remind(M, 13, 'OVERDUE_NOTICE', '2025-02-05')
    .recordDelivery(M, `${M}-R13`, 'RETURNED', '2025-02-10')
    .pay(M, '2025-02-20')
    .changeContract(
      M,
      '2026-01-31',
      [{ kind: 'SUM_ASSURED', sumAssured: cny(8_000_000), modalPremium: cny(100_000) }],
      '2025-03-01',
    );
  // A: paid in advance, then premiums waived (the installment paid in advance stays PAID), a benefit, a transfer.
  log
    .pay(A, '2025-03-10')
    .pay(A, '2025-12-01')
    .waive(A, '2025-12-20')
    .payBenefit(A, 1, '2029-03-15')
    .transfer(A, { branchCode: 'SH01', region: 'EAST', agentId: 'A-002' }, '2029-04-01');
  // L: lapses, is reinstated, lapses again and ends LAPSE_EXPIRED; its agent departs before that.
  log
    .remind(L, 2, 'OVERDUE_NOTICE', '2024-07-05')
    .lapse(L, '2024-08-30')
    .reinstate(L, '2025-01-10')
    .departAgent('A-001', '2025-02-01')
    .reassignOrphan(L, 'A-003', '2025-02-03')
    .lapse(L, '2025-08-31')
    .terminate(L, '2027-09-01', 'LAPSE_EXPIRED');
  return log;
}

function tables(model: InMemoryReadModel) {
  return {
    summaries: model.rows('policy_summary'),
    installments: model.rows('premium_installments'),
    benefits: model.rows('survival_benefits'),
    lapses: model.rows('lapses_reinstatements'),
    transfers: model.rows('transfers'),
    agents: model.rows('agent_workload'),
    activity: model.rows('servicing_activity'),
  };
}

/** M of `richHistory()` as the v3 form stored it (frozen: nothing writes that form any more). */
const V3_STATE_OF_M = readFileSync(join(__dirname, '__fixtures__', 'policy-state.v3.json'), 'utf8');

describe('compact projection state', () => {
  const log = richHistory();

  it('a compact state reads back as itself, at every step of the history', () => {
    const model = new InMemoryReadModel();
    for (const event of log.events) {
      const [advanced] = model.apply([event]).advanced.values();
      const folded = advanced!.folded as FoldedState;
      expect(decodeStreamState(encodeStreamState(folded))).toEqual(folded);
    }
  });

  it('stored and read back between every event, it projects the rows the full domain state gives', () => {
    const stored = new InMemoryReadModel({ storeStates: true });
    for (const event of log.events) stored.apply([event]);

    for (const policyId of [M, A, L]) {
      const full = log.policyState(policyId);
      expect(stored.rowsOf('premium_installments', policyId)).toEqual(premiumInstallmentRows(full));
      expect(stored.rowsOf('survival_benefits', policyId)).toEqual(survivalBenefitRows(full));
      expect(stored.rows('policy_summary').find((row) => row.policyId === policyId)).toEqual(policySummaryRow(full));
    }
    const inMemory = new InMemoryReadModel();
    inMemory.apply(log.events);
    expect(tables(stored)).toEqual(tables(inMemory));
    expect(stored.rowsOf('lapses_reinstatements', L).map((row) => row.status)).toEqual(['REINSTATED', 'TERMINATED']);
  });

  it('stays bounded as the policy ages: paid installments leave no payments or reminders behind', () => {
    const aging = new ScenarioLog().issue({
      policyId: M,
      effectiveDate: '2024-01-31',
      maturityDate: '2044-03-15',
      premium: {
        modalPremium: cny(10_000),
        frequency: 'MONTHLY',
        paymentTermYears: 10,
        paymentMethod: { type: 'CASH' },
      },
    });
    const storedSize = () =>
      encodeStreamState({ category: 'policy', state: compactPolicyState(aging.policyState(M)) }).length;
    const payMonths = (months: number) => {
      for (let month = 0; month < months; month++) {
        const next = aging.policyState(M).premium.paidInstallments + 1;
        aging.remind(M, next, 'PRE_DUE', '2024-02-20').pay(M, '2024-02-25');
      }
    };

    payMonths(6);
    const afterHalfAYear = storedSize();
    payMonths(54);
    const afterFiveYears = storedSize();

    // Only the paid-installment counter grows (a digit).
    expect(afterFiveYears - afterHalfAYear).toBeLessThanOrEqual(1);
    expect(afterFiveYears).toBeLessThan(1500);
    expect(JSON.stringify(aging.policyState(M)).length).toBeGreaterThan(10 * afterFiveYears);
  });

  it('keeps a state field it does not know, in memory and through the stored form', () => {
    // Fields added to the policy state later, like the payables and surrender records the projection derives rows from.
    const addedLater = {
      owed: [{ payableId: `${A}-P1`, kind: 'SURRENDER_VALUE', amount: cny(42_000), payout: null }],
      surrender: { requestedOn: '2029-05-01', paidOn: null },
    };
    const policy = { ...log.policyState(A), ...addedLater } as IssuedPolicy;

    const compact = compactPolicyState(policy);

    expect(compact).toMatchObject(addedLater);
    const folded: FoldedState = { category: 'policy', state: compact };
    expect(decodeStreamState(encodeStreamState(folded))).toEqual(folded);
  });

  it('reads a v3 compact state: it gives the rows of the full state', () => {
    const full = log.policyState(M);

    const state = decodeStreamState(V3_STATE_OF_M).state as IssuedPolicy;

    expect(policySummaryRow(state)).toEqual(policySummaryRow(full));
    expect(survivalBenefitRows(state)).toEqual(survivalBenefitRows(full));
    expect(state.premium.schedule).toEqual(full.premium.schedule);
    expect(state.terms).toEqual(compactPolicyState(full).terms);
  });

  it('reads a full folded state stored by an earlier version, compacted', () => {
    const full = log.policyState(A);
    const stored = JSON.stringify({ category: 'policy', state: full });

    const folded = decodeStreamState(stored);

    expect(folded.category).toBe('policy');
    const state = folded.state as IssuedPolicy;
    expect(isIssued(state) && state.premium.payments).toEqual([]);
    expect(policySummaryRow(state)).toEqual(policySummaryRow(full));
    expect(decodeStreamState(encodeStreamState(folded))).toEqual(folded);
  });

  it('reads a full folded state of a version before the terms history (no terms, no new rule-profile fields)', () => {
    const full = log.policyState(M);
    const {
      terms: _terms,
      recordedLapses: _recordedLapses,
      awaitingServicingAgent: _awaiting,
      lastTransactionDate: _lastTransactionDate,
      ...older
    } = full;
    const {
      noticeShortensGrace: _notice,
      contestableYears: _years,
      rescissionKnowledgeDays: _days,
      ...rules
    } = full.ruleProfile;
    const stored = JSON.stringify({ category: 'policy', state: { ...older, ruleProfile: rules } });

    const state = decodeStreamState(stored).state as IssuedPolicy;
    expect(state.premium.schedule).toEqual(full.premium.schedule);
    expect(state.ruleProfile).toEqual(full.ruleProfile); // CN law: no notice rule agreed, 2 years, 30 days
    expect(policySummaryRow(state)).toEqual(policySummaryRow(full));
  });

  it('reads a v2 compact state (no terms history): later contract changes re-derive the schedule from it', () => {
    // M after the history: MONTHLY to 2025-01-31, ANNUAL 110,000 from then, a scheduled sum-assured change from
    // 2026-01-31 at 100,000. A v2 state kept the schedule, but no terms history and a 5-entry rule profile.
    const full = log.policyState(M);
    const v3 = JSON.parse(V3_STATE_OF_M) as Record<string, unknown>;
    const { th: _th, aw: _aw, ...rest } = v3;
    const v2 = JSON.stringify({ ...rest, v: 2, rp: (v3.rp as unknown[]).slice(0, 5) });

    const decoded = decodeStreamState(v2).state as IssuedPolicy;
    expect(decoded.premium.schedule).toEqual(full.premium.schedule);
    expect(decoded.ruleProfile).toEqual(full.ruleProfile);
    // The next premium-affecting change (recorded after the scheduled one took effect) keeps every earlier rate.
    const change = {
      type: 'ContractChanged',
      data: {
        endorsementNo: `${M}-E9`,
        effectiveDate: '2027-01-31',
        changes: [{ kind: 'SUM_ASSURED', sumAssured: cny(6_000_000), modalPremium: cny(80_000) }],
        payables: [],
        loanSettlement: null,
      },
    } as PolicyEvent;
    const after = evolvePolicy(decoded, change) as IssuedPolicy;
    expect(after.premium.schedule).toEqual((evolvePolicy(full, change) as IssuedPolicy).premium.schedule);
    expect(scheduledInstallments(after.premium.schedule).map((installment) => installment.amount.amount)).toEqual([
      ...Array<number>(12).fill(10_000),
      110_000,
      100_000,
      ...Array<number>(7).fill(80_000),
    ]);
  });
});
