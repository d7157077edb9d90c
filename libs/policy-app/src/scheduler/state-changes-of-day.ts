import { addDays } from '@lib/policy-domain';
import type { ExpiryCandidateRow, LapseCandidateRow, LapseReportRow } from '@lib/read-models';

/** The state changes a servicing day may send (phase 1), as the read models propose them. */
export interface DayStateChanges {
  /** Lapses whose reinstatement deadline lies before the day: LAPSE_EXPIRED. */
  readonly lapseExpired: readonly LapseReportRow[];
  /** Open policies whose term ended by the day without a MATURITY benefit: EXPIRY. */
  readonly expiries: readonly ExpiryCandidateRow[];
  /** In-force policies whose lapse date has come: LAPSE. */
  readonly lapses: readonly LapseCandidateRow[];
}

/**
 * At most one state change per policy and day, the one the law puts first, so that the outcome never depends on which
 * of two concurrent commands wins. A policy gets both proposals only when the day's run finds its term ended on or
 * before the day (on the maturity date itself, or in a run for a later date that skipped it):
 * - a lapse whose reinstatement window closed before the maturity date ends with LAPSE_EXPIRED (art. 37), otherwise
 *   the term's end wins and the policy expires;
 * - a policy whose term has ended expires rather than lapses: a lapse recorded after the end of cover means nothing.
 */
export function oneStateChangePerPolicy(proposed: DayStateChanges): DayStateChanges {
  const maturityOf = new Map(proposed.expiries.map((row) => [row.policyId, row.maturityDate]));
  const lapseExpired = proposed.lapseExpired.filter((row) => {
    const maturityDate = maturityOf.get(row.policyId);
    return maturityDate === undefined || addDays(row.reinstatementDeadline, 1) < maturityDate;
  });
  const terminated = new Set(lapseExpired.map((row) => row.policyId));
  return {
    lapseExpired,
    expiries: proposed.expiries.filter((row) => !terminated.has(row.policyId)),
    lapses: proposed.lapses.filter((row) => !maturityOf.has(row.policyId)),
  };
}
