/**
 * Contract change kinds (DESIGN 2.5, ChangeContract). All changes of one request form one endorsement: each is checked
 * against the policy as amended by the changes before it, and the event applies them in order, atomically.
 */
import { anniversaryYearOf, type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { sameMoney, type Money } from '../money';
import { checkDate, checkMoney, isBlank } from '../input-checks';
import { ridersInForceOn, termsOn, type TermsAmendment } from './contract-terms';
import { samePerson } from './beneficiary-rules';
import { hasOverdueInstallment } from './premium-installments';
import { installmentsBefore, scheduledInstallment, scheduledInstallments } from './premium-schedule';
import { withTermsHistory, type BenefitOption, type IssuedPolicy } from './policy-state';
import {
  type Gender,
  type IdType,
  type Party,
  type PaymentMethod,
  type PremiumFrequency,
  type Rider,
} from './policy-values';

export const CONTRACT_CHANGE_KINDS = [
  'CONTACT',
  'POLICYHOLDER',
  'PERSONAL_DETAILS',
  'OCCUPATION',
  'PAYMENT_METHOD',
  'PREMIUM_FREQUENCY',
  'SUM_ASSURED',
  'RIDER_ADDED',
  'RIDER_REMOVED',
  'BENEFIT_OPTION',
  'DISCLOSURE',
  'APL_ELECTION',
] as const;
type ContractChangeKind = (typeof CONTRACT_CHANGE_KINDS)[number];

/** Kinds a clerk may record while the policy is LAPSED; every other kind needs IN_FORCE. */
const CHANGE_KINDS_ALLOWED_WHILE_LAPSED: readonly ContractChangeKind[] = [
  'CONTACT',
  'PERSONAL_DETAILS',
  'PAYMENT_METHOD',
  'DISCLOSURE',
];

/** Changes that alter the premium (DESIGN 2.5): effective on a due date, never repricing arrears, one scheduled. */
const PREMIUM_AFFECTING_CHANGE_KINDS: readonly ContractChangeKind[] = [
  'SUM_ASSURED',
  'PREMIUM_FREQUENCY',
  'RIDER_ADDED',
  'RIDER_REMOVED',
];

export function isPremiumAffecting(kind: ContractChangeKind): boolean {
  return PREMIUM_AFFECTING_CHANGE_KINDS.includes(kind);
}

type PolicyParty = 'POLICYHOLDER' | 'INSURED';
type BenefitReceivingMethod = BenefitOption['receivingMethod'];

/** Contact details of the policyholder (default) or the insured. */
interface ContactChange {
  readonly kind: 'CONTACT';
  /** Since ContractChanged v2; absent = POLICYHOLDER. */
  readonly party?: PolicyParty;
  readonly phone?: string;
  readonly email?: string;
  readonly address?: string;
}
interface PolicyholderChange {
  readonly kind: 'POLICYHOLDER';
  readonly newPolicyholder: Party;
  readonly insuredConsent: boolean;
  readonly previousPolicyholderConsent: boolean;
}
interface PersonalDetailsChange {
  readonly kind: 'PERSONAL_DETAILS';
  readonly party: PolicyParty;
  readonly name?: string;
  readonly gender?: Gender;
  readonly birthDate?: BusinessDate;
  readonly idType?: IdType;
  readonly idNumber?: string;
}
interface OccupationChange {
  readonly kind: 'OCCUPATION';
  readonly party: PolicyParty;
  readonly occupationCode: string;
}
interface PaymentMethodChange {
  readonly kind: 'PAYMENT_METHOD';
  readonly paymentMethod: PaymentMethod;
}
interface PremiumFrequencyChange {
  readonly kind: 'PREMIUM_FREQUENCY';
  readonly frequency: PremiumFrequency;
  readonly modalPremium: Money;
  /** The modal premium of each rider in force on the effective date, for the new frequency (required with riders). */
  readonly riderPremiums?: readonly { readonly code: string; readonly modalPremium: Money }[];
}
interface SumAssuredChange {
  readonly kind: 'SUM_ASSURED';
  readonly sumAssured: Money;
  readonly modalPremium: Money;
  /** Required for an increase. */
  readonly underwritingRef?: string;
}
interface RiderAddedChange {
  readonly kind: 'RIDER_ADDED';
  readonly rider: Rider;
}
interface RiderRemovedChange {
  readonly kind: 'RIDER_REMOVED';
  readonly riderCode: string;
}
interface BenefitOptionChange {
  readonly kind: 'BENEFIT_OPTION';
  readonly receivingMethod: BenefitReceivingMethod;
  readonly receivingAge?: number;
}
/** Elect or withdraw the automatic premium loan (DESIGN 2.10); the product must offer it. */
interface AplElectionChange {
  readonly kind: 'APL_ELECTION';
  readonly elected: boolean;
}
interface DisclosureChange {
  readonly kind: 'DISCLOSURE';
  readonly text: string;
  readonly documentRef?: string;
}

export type ContractChange =
  | ContactChange
  | PolicyholderChange
  | PersonalDetailsChange
  | OccupationChange
  | PaymentMethodChange
  | PremiumFrequencyChange
  | SumAssuredChange
  | RiderAddedChange
  | RiderRemovedChange
  | BenefitOptionChange
  | DisclosureChange
  | AplElectionChange;

interface ContractChangeContext {
  readonly effectiveDate: BusinessDate;
  readonly endorsementNo: string;
  /** Business date of the request (for "no overdue installment"). */
  readonly today: BusinessDate;
}

function checkPremiumFrequencyChange(
  policy: IssuedPolicy,
  change: PremiumFrequencyChange,
  effectiveDate: BusinessDate,
): void {
  if (policy.waiver !== null) {
    throw new DomainError('WAIVER_ACTIVE', 'The premium frequency cannot change while premiums are waived.');
  }
  const terms = termsOn(policy.terms, effectiveDate);
  if (terms.frequency === 'SINGLE' || change.frequency === 'SINGLE') {
    throw new DomainError('FREQUENCY_CHANGE_NOT_ALLOWED', 'A single-premium schedule cannot be changed to or from.');
  }
  const anniversaryYear = anniversaryYearOf(policy.effectiveDate, effectiveDate);
  if (anniversaryYear === null || anniversaryYear === 0) {
    throw new DomainError(
      'FREQUENCY_CHANGE_NOT_ON_ANNIVERSARY',
      `A frequency change takes effect on a policy anniversary of ${policy.effectiveDate}, not on ${effectiveDate}.`,
    );
  }
  if (anniversaryYear >= policy.premium.paymentTermYears) {
    throw new DomainError('FREQUENCY_CHANGE_NOT_ALLOWED', `The premiums are paid up by ${effectiveDate}.`);
  }
  if (policy.premium.paidInstallments > installmentsBefore(policy.premium.schedule, anniversaryYear * 12)) {
    throw new DomainError(
      'FREQUENCY_CHANGE_NOT_ALLOWED',
      `Premiums due from ${effectiveDate} on are already paid in advance under the current frequency.`,
    );
  }
  checkMoney(change.modalPremium, policy.currency, 'modalPremium', { positive: true });
  if (change.frequency === terms.frequency) {
    throw new DomainError('NOTHING_TO_CHANGE', `The premium is already paid ${terms.frequency} on ${effectiveDate}.`);
  }
  const inForce = ridersInForceOn(terms, effectiveDate).map((rider) => rider.code);
  const priced = (change.riderPremiums ?? []).map((entry) => entry.code);
  const sameRiders = inForce.length === priced.length && inForce.every((code) => priced.includes(code));
  if (!sameRiders) {
    throw new DomainError(
      'RIDER_PREMIUMS_INVALID',
      `A frequency change needs riderPremiums for exactly the riders in force on ${effectiveDate}: ` +
        `[${inForce.join(', ')}], got [${priced.join(', ')}].`,
    );
  }
  (change.riderPremiums ?? []).forEach((entry, index) =>
    checkMoney(entry.modalPremium, policy.currency, `riderPremiums[${index}].modalPremium`),
  );
}

function checkSumAssuredChange(policy: IssuedPolicy, change: SumAssuredChange, effectiveDate: BusinessDate): void {
  if (policy.waiver !== null) {
    throw new DomainError('WAIVER_ACTIVE', 'The sum assured cannot change while premiums are waived.');
  }
  checkMoney(change.sumAssured, policy.currency, 'sumAssured');
  if (change.sumAssured.amount <= 0)
    throw new DomainError('SUM_ASSURED_INVALID', 'The sum assured must be greater than 0.');
  checkMoney(change.modalPremium, policy.currency, 'modalPremium', { positive: true });
  const terms = termsOn(policy.terms, effectiveDate);
  if (sameMoney(change.sumAssured, terms.sumAssured) && sameMoney(change.modalPremium, terms.basePremium)) {
    throw new DomainError(
      'NOTHING_TO_CHANGE',
      `The sum assured on ${effectiveDate} is already ${terms.sumAssured.amount}.`,
    );
  }
  if (change.sumAssured.amount > terms.sumAssured.amount && isBlank(change.underwritingRef)) {
    throw new DomainError('UNDERWRITING_REQUIRED', 'An increase of the sum assured needs an underwriting decision.');
  }
}

/** A rider at issue or added on `startDate`: money in the policy currency, a term inside the policy's. */
export function checkRider(
  rider: Rider,
  policy: Pick<IssuedPolicy, 'currency' | 'maturityDate'>,
  startDate: BusinessDate,
  field: string,
): void {
  checkMoney(rider.sumAssured, policy.currency, `${field}.sumAssured`);
  checkMoney(rider.modalPremium, policy.currency, `${field}.modalPremium`);
  checkDate(rider.endDate, `${field}.endDate`);
  if (rider.endDate > policy.maturityDate) {
    throw new DomainError(
      'RIDER_ENDS_AFTER_MATURITY',
      `Rider ${rider.code} ends ${rider.endDate}, after the policy matures on ${policy.maturityDate}.`,
    );
  }
  if (rider.endDate <= startDate) {
    throw new DomainError(
      'RIDER_TERM_INVALID',
      `Rider ${rider.code} ends ${rider.endDate}, not after its start ${startDate}.`,
    );
  }
}

/** One premium-affecting endorsement may be scheduled (effective after today) at a time (DESIGN 2.5). */
export function checkNoScheduledChange(
  policy: IssuedPolicy,
  changes: readonly ContractChange[],
  today: BusinessDate,
): void {
  if (!changes.some((change) => isPremiumAffecting(change.kind))) return;
  const scheduled = policy.terms.amendments.find(
    (amendment) => amendment.premiumAffecting && amendment.effectiveDate > today,
  );
  if (scheduled !== undefined) {
    throw new DomainError(
      'SCHEDULED_CHANGE_PENDING',
      `Endorsement ${scheduled.endorsementNo} (effective ${scheduled.effectiveDate}) is scheduled; ` +
        'cancel it or wait until it takes effect.',
    );
  }
}

/**
 * When premium-affecting changes may take effect (DESIGN 2.5): on a due date not before the earliest unpaid
 * installment (arrears are never repriced), not after maturity, and not before an earlier premium-affecting change
 * (each one's premium is quoted on the terms the ones before it left). A scheduled endorsement holds only such changes.
 */
export function checkPremiumChangeDate(
  policy: IssuedPolicy,
  changes: readonly ContractChange[],
  context: ContractChangeContext,
): void {
  const premiumAffecting = changes.filter((change) => isPremiumAffecting(change.kind));
  if (premiumAffecting.length === 0) return;
  const { effectiveDate, today } = context;
  if (effectiveDate > today && premiumAffecting.length !== changes.length) {
    throw new DomainError(
      'EFFECTIVE_DATE_INVALID',
      'A scheduled endorsement holds only premium-affecting changes (it can be cancelled); record the others apart.',
    );
  }
  if (effectiveDate > policy.maturityDate) {
    throw new DomainError('EFFECTIVE_DATE_INVALID', `${effectiveDate} lies after maturity (${policy.maturityDate}).`);
  }
  const latestPremiumChange = policy.terms.amendments
    .filter((amendment) => amendment.premiumAffecting)
    .reduce<string | null>(
      (latest, amendment) => (latest === null || amendment.effectiveDate > latest ? amendment.effectiveDate : latest),
      null,
    );
  if (latestPremiumChange !== null && effectiveDate < latestPremiumChange) {
    throw new DomainError(
      'EFFECTIVE_DATE_INVALID',
      `A premium-affecting change effective ${latestPremiumChange} is recorded; a later one cannot take effect before it.`,
    );
  }
  const schedule = policy.premium.schedule;
  const firstUnpaid = scheduledInstallment(schedule, policy.premium.paidInstallments + 1);
  if (firstUnpaid === null) {
    // Paid up: no installment is left to reprice; any date after the last due date will do.
    const last = scheduledInstallment(schedule, policy.premium.paidInstallments);
    if (last !== null && effectiveDate <= last.dueDate) {
      throw new DomainError('EFFECTIVE_DATE_INVALID', `The premiums are paid up; the last fell due ${last.dueDate}.`);
    }
    return;
  }
  const overdue = scheduledInstallments(schedule).filter(
    (installment) => installment.installmentNo > policy.premium.paidInstallments && installment.dueDate < today,
  );
  const lastOverdue = overdue[overdue.length - 1];
  if (lastOverdue !== undefined && effectiveDate <= lastOverdue.dueDate) {
    throw new DomainError(
      'EFFECTIVE_DATE_INVALID',
      `Installment ${lastOverdue.installmentNo} (due ${lastOverdue.dueDate}) is overdue: arrears are never repriced, ` +
        'so a premium-affecting change takes effect on a later due date.',
    );
  }
  if (effectiveDate < firstUnpaid.dueDate) {
    throw new DomainError(
      'EFFECTIVE_DATE_INVALID',
      `Installment ${firstUnpaid.installmentNo} (due ${firstUnpaid.dueDate}) is the earliest unpaid: ` +
        'a premium-affecting change takes effect on or after it, never repricing paid premiums or arrears.',
    );
  }
  const onDueDate = scheduledInstallments(schedule).some((installment) => installment.dueDate === effectiveDate);
  if (!onDueDate) {
    throw new DomainError(
      'EFFECTIVE_DATE_INVALID',
      `A premium-affecting change takes effect on an installment due date; ${effectiveDate} is not one.`,
    );
  }
}

/** @throws DomainError when the change may not be made to the policy as it stands. */
export function checkContractChange(
  policy: IssuedPolicy,
  change: ContractChange,
  context: ContractChangeContext,
): void {
  if (policy.status !== 'IN_FORCE' && !CHANGE_KINDS_ALLOWED_WHILE_LAPSED.includes(change.kind)) {
    throw new DomainError(
      'POLICY_NOT_IN_FORCE',
      `A ${change.kind} change needs the policy in force; it is ${policy.status}.`,
    );
  }
  switch (change.kind) {
    case 'CONTACT': {
      const { kind: _kind, party = 'POLICYHOLDER', ...contact } = change;
      if (Object.keys(contact).length === 0) {
        throw new DomainError('NOTHING_TO_CHANGE', 'A CONTACT change needs a phone, e-mail or address.');
      }
      return requireDifferent(partyOf(policy, party), contact, `The ${party.toLowerCase()}'s contact details`);
    }
    case 'OCCUPATION':
      return requireDifferent(
        partyOf(policy, change.party),
        { occupationCode: change.occupationCode },
        `The ${change.party.toLowerCase()}'s occupation`,
      );
    case 'PAYMENT_METHOD':
      if (
        change.paymentMethod.type === policy.premium.paymentMethod.type &&
        change.paymentMethod.accountRef === policy.premium.paymentMethod.accountRef
      ) {
        throw new DomainError('NOTHING_TO_CHANGE', 'The premium is already paid that way.');
      }
      return;
    case 'BENEFIT_OPTION':
      if (
        policy.benefitOption !== null &&
        policy.benefitOption.receivingMethod === change.receivingMethod &&
        policy.benefitOption.receivingAge === (change.receivingAge ?? null)
      ) {
        throw new DomainError('NOTHING_TO_CHANGE', 'The benefits are already received that way.');
      }
      return;
    case 'DISCLOSURE':
      return;
    case 'APL_ELECTION':
      if (policy.automaticPremiumLoan === change.elected) {
        throw new DomainError(
          'NOTHING_TO_CHANGE',
          `The automatic premium loan is already ${change.elected ? 'elected' : 'not elected'}.`,
        );
      }
      return;
    case 'PERSONAL_DETAILS': {
      const { kind: _kind, party, ...details } = change;
      if (Object.keys(details).length === 0) {
        throw new DomainError('NOTHING_TO_CHANGE', 'A PERSONAL_DETAILS change needs at least one detail.');
      }
      if (change.birthDate !== undefined) {
        checkDate(change.birthDate, 'birthDate');
        if (change.birthDate > policy.effectiveDate) {
          throw new DomainError(
            'BIRTH_DATE_INVALID',
            `A party of the policy was born on or before its effective date ${policy.effectiveDate}, not ${change.birthDate}.`,
          );
        }
      }
      return requireDifferent(partyOf(policy, party), details, `The ${party.toLowerCase()}'s personal details`);
    }
    case 'POLICYHOLDER':
      if (!change.insuredConsent || !change.previousPolicyholderConsent) {
        throw new DomainError(
          'POLICYHOLDER_CHANGE_CONSENT_REQUIRED',
          'A new policyholder needs the consent of the insured and of the previous policyholder.',
        );
      }
      checkDate(change.newPolicyholder.birthDate, 'newPolicyholder.birthDate');
      if (change.newPolicyholder.birthDate > context.today) {
        throw new DomainError('BIRTH_DATE_INVALID', `The new policyholder's birth date lies after today.`);
      }
      if (hasOverdueInstallment(policy, context.today)) {
        throw new DomainError('PREMIUM_OVERDUE', 'The policyholder cannot change while a premium is overdue.');
      }
      if (samePerson(change.newPolicyholder, policy.policyholder)) {
        throw new DomainError('NOTHING_TO_CHANGE', 'The new policyholder is the current one.');
      }
      return;
    case 'PREMIUM_FREQUENCY':
      return checkPremiumFrequencyChange(policy, change, context.effectiveDate);
    case 'SUM_ASSURED':
      return checkSumAssuredChange(policy, change, context.effectiveDate);
    case 'RIDER_ADDED': {
      checkRider(change.rider, policy, context.effectiveDate, 'rider');
      const attached = termsOn(policy.terms, context.effectiveDate).riders.filter(
        (rider) => rider.removedOn === undefined && rider.endDate > context.effectiveDate,
      );
      if (attached.some((rider) => rider.code === change.rider.code)) {
        throw new DomainError('DUPLICATE_RIDER', `The policy already has rider ${change.rider.code}.`);
      }
      return;
    }
    case 'RIDER_REMOVED': {
      const inForce = ridersInForceOn(termsOn(policy.terms, context.effectiveDate), context.effectiveDate);
      if (!inForce.some((rider) => rider.code === change.riderCode)) {
        throw new DomainError('UNKNOWN_RIDER', `No rider ${change.riderCode} is in force on ${context.effectiveDate}.`);
      }
      return;
    }
    default: {
      const _exhaustive: never = change;
      throw new Error(`Unknown contract change ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** The amendment of the terms one change makes, or null for changes that do not touch the terms. */
function termsAmendmentOf(
  change: ContractChange,
  context: Omit<ContractChangeContext, 'today'>,
): TermsAmendment | null {
  const base = { endorsementNo: context.endorsementNo, effectiveDate: context.effectiveDate, kinds: [change.kind] };
  switch (change.kind) {
    case 'PREMIUM_FREQUENCY':
      return {
        ...base,
        premiumAffecting: true,
        frequency: change.frequency,
        basePremium: change.modalPremium,
        riderPremiums: change.riderPremiums ?? [],
      };
    case 'SUM_ASSURED':
      return { ...base, premiumAffecting: true, sumAssured: change.sumAssured, basePremium: change.modalPremium };
    case 'RIDER_ADDED':
      return { ...base, premiumAffecting: true, ridersAdded: [change.rider] };
    case 'RIDER_REMOVED':
      return { ...base, premiumAffecting: true, ridersRemoved: [change.riderCode] };
    default:
      return null;
  }
}

function partyOf(policy: IssuedPolicy, party: PolicyParty): Party {
  return party === 'POLICYHOLDER' ? policy.policyholder : policy.insured;
}

/** NOTHING_TO_CHANGE when every given field already has the given value. */
function requireDifferent(current: Party, given: Partial<Party>, what: string): void {
  const fields = Object.entries(given) as [keyof Party, Party[keyof Party]][];
  if (fields.every(([field, value]) => current[field] === value)) {
    throw new DomainError('NOTHING_TO_CHANGE', `${what} already have these values.`);
  }
}

function updateParty(policy: IssuedPolicy, party: PolicyParty, update: (current: Party) => Party): IssuedPolicy {
  return party === 'POLICYHOLDER'
    ? { ...policy, policyholder: update(policy.policyholder) }
    : { ...policy, insured: update(policy.insured) };
}

/** Applies one recorded change (no checks: the event is a fact). */
export function applyContractChange(
  policy: IssuedPolicy,
  change: ContractChange,
  context: Omit<ContractChangeContext, 'today'>,
): IssuedPolicy {
  switch (change.kind) {
    case 'CONTACT': {
      const { kind: _kind, party = 'POLICYHOLDER', ...contact } = change;
      return updateParty(policy, party, (current) => ({ ...current, ...contact }));
    }
    case 'POLICYHOLDER':
      return { ...policy, policyholder: change.newPolicyholder };
    case 'PERSONAL_DETAILS': {
      const { kind: _kind, party, ...details } = change;
      return updateParty(policy, party, (current) => ({ ...current, ...details }));
    }
    case 'OCCUPATION':
      return updateParty(policy, change.party, (party) => ({ ...party, occupationCode: change.occupationCode }));
    case 'PAYMENT_METHOD':
      return { ...policy, premium: { ...policy.premium, paymentMethod: change.paymentMethod } };
    case 'PREMIUM_FREQUENCY':
    case 'SUM_ASSURED':
    case 'RIDER_ADDED':
    case 'RIDER_REMOVED': {
      const amendment = termsAmendmentOf(change, context)!;
      return withTermsHistory(policy, {
        atIssue: policy.terms.atIssue,
        amendments: [...policy.terms.amendments, amendment],
      });
    }
    case 'BENEFIT_OPTION':
      return {
        ...policy,
        benefitOption: { receivingMethod: change.receivingMethod, receivingAge: change.receivingAge ?? null },
      };
    case 'APL_ELECTION':
      return { ...policy, automaticPremiumLoan: change.elected };
    case 'DISCLOSURE':
      return {
        ...policy,
        disclosures: [
          ...policy.disclosures,
          {
            endorsementNo: context.endorsementNo,
            effectiveDate: context.effectiveDate,
            text: change.text,
            documentRef: change.documentRef ?? null,
          },
        ],
      };
    default: {
      const _exhaustive: never = change;
      throw new Error(`Unknown contract change ${JSON.stringify(_exhaustive)}`);
    }
  }
}
