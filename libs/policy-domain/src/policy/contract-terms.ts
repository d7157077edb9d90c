/**
 * The terms of the contract over time (DESIGN 2.7): the terms at issue plus every endorsement that amends them, each
 * applied only from its own effective date. `termsOn(history, D)` is the contract in force on D — never "the last
 * recorded value", so a change recorded today but effective next year does not bill, insure or pay anything before
 * next year, and a change recorded after another one but effective before it still applies in date order.
 */
import { type BusinessDate } from '../dates';
import { type Money } from '../money';
import { type Beneficiary, type PremiumFrequency, type Rider } from './policy-values';

/** A rider attached to the contract: billed and in cover while `startDate ≤ d < endDate` (and before `removedOn`). */
export interface RiderTerms extends Rider {
  readonly startDate: BusinessDate;
  /** The effective date of the RIDER_REMOVED change that ended it early; absent while attached. */
  readonly removedOn?: BusinessDate;
}

export interface ContractTerms {
  readonly sumAssured: Money;
  readonly frequency: PremiumFrequency;
  /** The modal premium of the base cover for `frequency` (riders are billed on top, each with its own premium). */
  readonly basePremium: Money;
  /** Every rider ever attached (removed ones keep their history with `removedOn`). */
  readonly riders: readonly RiderTerms[];
  readonly beneficiaries: readonly Beneficiary[];
}

/** What one endorsement changed in the terms, normalised from its change kinds. */
export interface TermsAmendment {
  readonly endorsementNo: string;
  readonly effectiveDate: BusinessDate;
  /** SUM_ASSURED, PREMIUM_FREQUENCY, RIDER_ADDED or RIDER_REMOVED (DESIGN 2.5): the ones that may be scheduled. */
  readonly premiumAffecting: boolean;
  /** The change kinds of the endorsement (`BENEFICIARIES` for a beneficiary change), for the view. */
  readonly kinds: readonly string[];
  readonly sumAssured?: Money;
  readonly frequency?: PremiumFrequency;
  readonly basePremium?: Money;
  readonly ridersAdded?: readonly Rider[];
  readonly ridersRemoved?: readonly string[];
  /** Each attached rider's modal premium for the new frequency (a frequency change reprices the riders too). */
  readonly riderPremiums?: readonly { readonly code: string; readonly modalPremium: Money }[];
  readonly beneficiaries?: readonly Beneficiary[];
}

export interface TermsHistory {
  readonly atIssue: ContractTerms;
  /** In the order they were recorded; a cancelled scheduled change is removed. */
  readonly amendments: readonly TermsAmendment[];
}

function riderInForceOn(rider: RiderTerms, date: BusinessDate): boolean {
  return rider.startDate <= date && date < rider.endDate && (rider.removedOn === undefined || date < rider.removedOn);
}

function amend(terms: ContractTerms, amendment: TermsAmendment): ContractTerms {
  let riders = terms.riders;
  if (amendment.ridersRemoved) {
    const removed = new Set(amendment.ridersRemoved);
    riders = riders.map((rider) =>
      removed.has(rider.code) && rider.removedOn === undefined
        ? { ...rider, removedOn: amendment.effectiveDate }
        : rider,
    );
  }
  if (amendment.riderPremiums) {
    const premiums = new Map(amendment.riderPremiums.map((entry) => [entry.code, entry.modalPremium]));
    // A repriced rider is a new billing period of the same rider: the old premium stays on the dates before.
    riders = riders.flatMap((rider) => {
      const modalPremium = premiums.get(rider.code);
      if (modalPremium === undefined || !riderInForceOn(rider, amendment.effectiveDate)) return [rider];
      return [
        { ...rider, removedOn: amendment.effectiveDate },
        { ...withoutRemoval(rider), modalPremium, startDate: amendment.effectiveDate },
      ];
    });
  }
  if (amendment.ridersAdded) {
    riders = [...riders, ...amendment.ridersAdded.map((rider) => ({ ...rider, startDate: amendment.effectiveDate }))];
  }
  return {
    sumAssured: amendment.sumAssured ?? terms.sumAssured,
    frequency: amendment.frequency ?? terms.frequency,
    basePremium: amendment.basePremium ?? terms.basePremium,
    riders,
    beneficiaries: amendment.beneficiaries ?? terms.beneficiaries,
  };
}

function withoutRemoval(rider: RiderTerms): RiderTerms {
  const { removedOn: _removedOn, ...attached } = rider;
  return attached;
}

/** Amendments in effective-date order; amendments effective on the same date keep their recorded order. */
export function amendmentsInEffect(history: TermsHistory): readonly TermsAmendment[] {
  return history.amendments
    .map((amendment, index) => ({ amendment, index }))
    .sort((a, b) =>
      a.amendment.effectiveDate < b.amendment.effectiveDate
        ? -1
        : a.amendment.effectiveDate > b.amendment.effectiveDate
          ? 1
          : a.index - b.index,
    )
    .map(({ amendment }) => amendment);
}

/** The terms in force on `date`: the terms at issue amended by every endorsement effective on or before it. */
export function termsOn(history: TermsHistory, date: BusinessDate): ContractTerms {
  let terms = history.atIssue;
  for (const amendment of amendmentsInEffect(history)) {
    if (amendment.effectiveDate > date) break;
    terms = amend(terms, amendment);
  }
  return terms;
}

/** The terms once every recorded endorsement has taken effect. */
export function latestTerms(history: TermsHistory): ContractTerms {
  return amendmentsInEffect(history).reduce(amend, history.atIssue);
}

export function ridersInForceOn(terms: ContractTerms, date: BusinessDate): RiderTerms[] {
  return terms.riders.filter((rider) => riderInForceOn(rider, date));
}

/** Riders still attached: not removed (a repriced rider's earlier billing period counts as removed). */
export function attachedRiders(terms: ContractTerms): RiderTerms[] {
  return terms.riders.filter((rider) => rider.removedOn === undefined);
}

/** The premium of an installment due on `dueDate` (DESIGN 2.3): base modal premium + every rider in force then. */
export function installmentPremiumOn(history: TermsHistory, dueDate: BusinessDate): Money {
  const terms = termsOn(history, dueDate);
  const riders = ridersInForceOn(terms, dueDate).reduce((sum, rider) => sum + rider.modalPremium.amount, 0);
  return { amount: terms.basePremium.amount + riders, currency: terms.basePremium.currency };
}

/** Every date on which the premium of an installment due that day may differ from the day before. */
export function premiumBreakpoints(history: TermsHistory): BusinessDate[] {
  const dates = new Set<BusinessDate>();
  const collect = (terms: ContractTerms) => {
    for (const rider of terms.riders) {
      dates.add(rider.startDate);
      dates.add(rider.endDate);
      if (rider.removedOn !== undefined) dates.add(rider.removedOn);
    }
  };
  collect(history.atIssue);
  for (const amendment of history.amendments) if (amendment.premiumAffecting) dates.add(amendment.effectiveDate);
  collect(latestTerms(history));
  return [...dates].sort();
}
