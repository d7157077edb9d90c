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
  /** Days after a counted overdue notice after which the policy may lapse; null where no notice rule exists. */
  readonly overdueNoticeDays: number | null;
  readonly reinstatementWindowYears: number;
  /** Simple annual reinstatement interest in basis points (500 = 5 %). */
  readonly reinstatementInterestBasisPoints: number;
  /** Days from the effective date before a premium waiver can be triggered. */
  readonly waiverWaitingDays: number;
}

/** PRC Insurance Law art. 36 (60 days grace, 30 days after a notice) and art. 37 (2 years to reinstate). */
export const CN_RULE_PROFILE: RuleProfile = Object.freeze({
  jurisdiction: 'CN',
  graceDays: 60,
  overdueNoticeDays: 30,
  reinstatementWindowYears: 2,
  reinstatementInterestBasisPoints: 500,
  waiverWaitingDays: 90,
});

/** NY Ins. Law §3203 (31 days grace), typical 3-year reinstatement statutes. */
export const US_RULE_PROFILE: RuleProfile = Object.freeze({
  jurisdiction: 'US',
  graceDays: 31,
  overdueNoticeDays: null,
  reinstatementWindowYears: 3,
  reinstatementInterestBasisPoints: 600,
  waiverWaitingDays: 90,
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

export interface RuleProfileOverrides {
  readonly reinstatementInterestBasisPoints?: number;
}

/** The profile to issue a policy under: the jurisdiction's defaults plus configured overrides. */
export function ruleProfileFor(jurisdiction: Jurisdiction = 'CN', overrides: RuleProfileOverrides = {}): RuleProfile {
  const profile = RULE_PROFILES[jurisdiction];
  return overrides.reinstatementInterestBasisPoints === undefined
    ? profile
    : withReinstatementInterestRate(profile, overrides.reinstatementInterestBasisPoints);
}
