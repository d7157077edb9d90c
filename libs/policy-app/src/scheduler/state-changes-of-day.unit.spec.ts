import type { ExpiryCandidateRow, LapseCandidateRow, LapseReportRow } from '@lib/read-models';
import { oneStateChangePerPolicy } from './state-changes-of-day';

const expiry = (policyId: string, maturityDate: string): ExpiryCandidateRow => ({
  policyId,
  status: 'IN_FORCE',
  maturityDate,
  branchCode: 'SH-001',
  agentId: 'AG-1',
});

const lapseExpired = (policyId: string, reinstatementDeadline: string): LapseReportRow => ({
  policyId,
  lapseNo: 1,
  lapsedOn: '2023-03-12',
  installmentNo: 2,
  dueDate: '2023-01-10',
  reinstatementDeadline,
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
  branchCode: 'SH-001',
});

const lapse = (policyId: string, lapseEligibleFrom: string): LapseCandidateRow => ({
  policyId,
  installmentNo: 5,
  dueDate: '2025-03-01',
  lapseEligibleFrom,
  branchCode: 'SH-001',
  agentId: 'AG-1',
  automaticPremiumLoan: false,
});

const ids = (rows: readonly { policyId: string }[]) => rows.map((row) => row.policyId);

describe('one state change per policy and servicing day (DESIGN 6)', () => {
  it('policies proposed for one change only keep it', () => {
    const chosen = oneStateChangePerPolicy({
      lapseExpired: [lapseExpired('P-1', '2025-03-12')],
      expiries: [expiry('P-2', '2025-06-30')],
      lapses: [lapse('P-3', '2025-05-01')],
    });

    expect([ids(chosen.lapseExpired), ids(chosen.expiries), ids(chosen.lapses)]).toEqual([['P-1'], ['P-2'], ['P-3']]);
  });

  it('a policy whose term has ended expires instead of lapsing', () => {
    const chosen = oneStateChangePerPolicy({
      lapseExpired: [],
      expiries: [expiry('P-1', '2025-06-30')],
      lapses: [lapse('P-1', '2025-06-30')],
    });

    expect([ids(chosen.expiries), ids(chosen.lapses)]).toEqual([['P-1'], []]);
  });

  it('a reinstatement window that closed before the maturity date ends the policy LAPSE_EXPIRED; else EXPIRY', () => {
    // Deadline 2025-06-28: LAPSE_EXPIRED from 06-29, before the maturity date 06-30. Deadline 06-29: both from 06-30.
    const chosen = oneStateChangePerPolicy({
      lapseExpired: [lapseExpired('P-EARLY', '2025-06-28'), lapseExpired('P-SAME-DAY', '2025-06-29')],
      expiries: [expiry('P-EARLY', '2025-06-30'), expiry('P-SAME-DAY', '2025-06-30')],
      lapses: [],
    });

    expect([ids(chosen.lapseExpired), ids(chosen.expiries)]).toEqual([['P-EARLY'], ['P-SAME-DAY']]);
  });
});
