/**
 * Jurisdiction rule parameters (DESIGN 2.4). `PolicyIssued` records a snapshot of the profile, so replaying a policy
 * never depends on today's configuration.
 */
export const JURISDICTIONS = ['CN', 'US'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export interface RuleProfile {
  readonly jurisdiction: Jurisdiction;
  /** Days after the due date during which cover continues unpaid. */
  readonly graceDays: number;
  /**
   * Days after the delivery of an overdue notice (催告) after which the policy may lapse, where the law has such a
   * rule; null where it has none. It applies only when `noticeShortensGrace` (the product's choice).
   */
  readonly overdueNoticeDays: number | null;
  /**
   * PRC Insurance Law art. 36 applies the 30-day notice rule only where the contract says so ("除合同另有约定外"
   * reads the other way: 60 days unless agreed). Off by default; a product enables it (DESIGN 2.8 `grace`).
   */
  readonly noticeShortensGrace: boolean;
  readonly reinstatementWindowYears: number;
  /** Simple annual reinstatement interest in basis points (500 = 5 %). */
  readonly reinstatementInterestBasisPoints: number;
  /** Days from the effective date before a premium waiver can be triggered. */
  readonly waiverWaitingDays: number;
  /** Years after issue after which the insurer can no longer rescind (art. 16 ¶3, art. 32; US contestability). */
  readonly contestableYears: number;
  /** Days from learning the ground within which the insurer must rescind (art. 16 ¶3); null where none. */
  readonly rescissionKnowledgeDays: number | null;
}

/**
 * PRC Insurance Law art. 36 (60 days grace; 30 days after a delivered notice where the contract says so), art. 37
 * (2 years to reinstate), art. 16 ¶3 (rescind within 30 days of knowing, and never 2 years after issue).
 */
export const CN_RULE_PROFILE: RuleProfile = Object.freeze({
  jurisdiction: 'CN',
  graceDays: 60,
  overdueNoticeDays: 30,
  noticeShortensGrace: false,
  reinstatementWindowYears: 2,
  reinstatementInterestBasisPoints: 500,
  waiverWaitingDays: 90,
  contestableYears: 2,
  rescissionKnowledgeDays: 30,
});

/** NY Ins. Law §3203 (31 days grace), typical 3-year reinstatement statutes, 2-year contestability. */
export const US_RULE_PROFILE: RuleProfile = Object.freeze({
  jurisdiction: 'US',
  graceDays: 31,
  overdueNoticeDays: null,
  noticeShortensGrace: false,
  reinstatementWindowYears: 3,
  reinstatementInterestBasisPoints: 600,
  waiverWaitingDays: 90,
  contestableYears: 2,
  rescissionKnowledgeDays: null,
});

export const DEFAULT_RULE_PROFILE = CN_RULE_PROFILE;

export const RULE_PROFILES: Readonly<Record<Jurisdiction, RuleProfile>> = Object.freeze({
  CN: CN_RULE_PROFILE,
  US: US_RULE_PROFILE,
});

export function isJurisdiction(value: unknown): value is Jurisdiction {
  return typeof value === 'string' && (JURISDICTIONS as readonly string[]).includes(value);
}

/** A jurisdiction's profile with the (configurable) reinstatement interest rate replaced. */
export function withReinstatementInterestRate(profile: RuleProfile, basisPoints: number): RuleProfile {
  if (!Number.isInteger(basisPoints) || basisPoints < 0 || basisPoints > 10_000) {
    throw new RangeError(`Reinstatement interest must be an integer 0–10000 basis points, got ${basisPoints}`);
  }
  return Object.freeze({ ...profile, reinstatementInterestBasisPoints: basisPoints });
}

interface RuleProfileOverrides {
  readonly reinstatementInterestBasisPoints?: number;
}

/** The profile to issue a policy under: the jurisdiction's defaults plus configured overrides. */
export function ruleProfileFor(jurisdiction: Jurisdiction = 'CN', overrides: RuleProfileOverrides = {}): RuleProfile {
  const profile = RULE_PROFILES[jurisdiction];
  return overrides.reinstatementInterestBasisPoints === undefined
    ? profile
    : withReinstatementInterestRate(profile, overrides.reinstatementInterestBasisPoints);
}
