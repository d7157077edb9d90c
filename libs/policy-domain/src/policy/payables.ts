/**
 * Money the insurer owes (DESIGN 2.9): the payables recorded inside the events that create them, and the amounts of
 * free look, surrender, partial surrender and the refunds, computed from the contract on the date they are asked for.
 * Loan debt (DESIGN 2.10) is deducted where the design says so.
 */
import { addDays, laterOf, type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { payableId } from '../ids';
import { divideRoundHalfUp, type Money } from '../money';
import { FREE_LOOK_LAW, type ProductVersion } from '../product/product';
import { type Jurisdiction } from '../rule-profiles';
import { cashValueOn } from './cash-value';
import { termsOn } from './contract-terms';
import { loanDebtOn } from './policy-loans';
import { type IssuedPolicy } from './policy-state';
import { type Payable, type PayableKind, type Payee } from './policy-values';

/**
 * Days to pay what is owed once it is asked for: a surrender value within 30 days of the request (PRC Insurance Law
 * art. 47; US `surrenderPayoutDays`), and the same for the refunds that follow a cancellation, rescission or waiver.
 */
const PAYOUT_DAYS: Readonly<Record<Jurisdiction, number>> = { CN: 30, US: 30 };

/** The payable state: the recorded payable, where it came from, and its payout or withdrawal. */
export interface PayableRecord extends Payable {
  /** The business date the payable was created on (the request, the event date, …). */
  readonly createdOn: BusinessDate;
  /** The endorsement that created it (a partial surrender), withdrawn with it; null otherwise. */
  readonly endorsementNo: string | null;
  readonly payout: { readonly paidOn: BusinessDate; readonly paymentRef: string } | null;
  /** The scheduled change it came from was cancelled before it took effect: nothing is owed. */
  readonly withdrawnOn: BusinessDate | null;
}

export type PayableStatus = 'DUE' | 'PAID' | 'WITHDRAWN';

export function payableStatusOf(payable: PayableRecord): PayableStatus {
  return payable.payout !== null ? 'PAID' : payable.withdrawnOn !== null ? 'WITHDRAWN' : 'DUE';
}

/** The last day to pay an amount asked for on `requestedOn`. */
export function payoutDeadline(policy: IssuedPolicy, requestedOn: BusinessDate): BusinessDate {
  return addDays(requestedOn, PAYOUT_DAYS[policy.jurisdiction] ?? PAYOUT_DAYS.CN);
}

/**
 * Refunds nobody asked a payee for (waiver, rescission, LAPSE_EXPIRED, partial surrender) go back the way the
 * premium came: to the policyholder, on the policy's payment account (its method when it has no account, e.g. CASH).
 */
export function refundPayee(policy: IssuedPolicy): Payee {
  const method = policy.premium.paymentMethod;
  return { name: policy.policyholder.name, accountRef: method.accountRef ?? method.type };
}

/**
 * The payables an event creates, numbered after the ones already recorded. Zero amounts create none: nothing is
 * owed.
 */
export class PayableNumbering {
  private next: number;

  constructor(private readonly policy: IssuedPolicy) {
    this.next = policy.payables.length + 1;
  }

  create(kind: PayableKind, amount: Money, payee: Payee, dueBy: BusinessDate): Payable | null {
    if (amount.amount <= 0) return null;
    return {
      payableId: payableId(this.policy.policyId, this.next++),
      kind,
      amount: { amount: amount.amount, currency: amount.currency },
      payee: { name: payee.name, accountRef: payee.accountRef },
      dueBy,
    };
  }
}

/** Every premium received on the policy (at issue, as payments and with reinstatements). */
export function premiumsPaid(policy: IssuedPolicy): Money {
  return {
    amount: policy.premium.payments.reduce((sum, payment) => sum + payment.amount.amount, 0),
    currency: policy.currency,
  };
}

/** The active waiver covers the installment, paid in advance or not. */
function waiverCovers(policy: IssuedPolicy, installmentNo: number): boolean {
  return policy.waiver !== null && installmentNo >= policy.waiver.waivedFromInstallment;
}

/**
 * Premium received for installments falling due after `date`: not earned on that date, so owed back — except for
 * waived installments, whose premium the waiver already owes back (its WAIVER_REFUND payable).
 */
function premiumPaidInAdvance(policy: IssuedPolicy, date: BusinessDate): Money {
  return {
    amount: policy.premium.payments
      .filter((payment) => payment.dueDate > date && !waiverCovers(policy, payment.installmentNo))
      .reduce((sum, payment) => sum + payment.amount.amount, 0),
    currency: policy.currency,
  };
}

/** The product's cash-value table, or null when the policy records no version (sold before the catalogue). */
function cashValueTableOf(policy: IssuedPolicy, product: ProductVersion | null): readonly number[] | null {
  if (policy.productVersion === null) return null;
  if (product === null) {
    // The catalogue lost the version the policy records (it never changes, so this is a damaged store).
    throw new DomainError(
      'NO_CASH_VALUE',
      `Product ${policy.productCode} v${policy.productVersion}, which the policy was sold under, cannot be found.`,
    );
  }
  if (product.productCode !== policy.productCode || product.version !== policy.productVersion) {
    throw new Error(
      `context.product must be ${policy.productCode} v${policy.productVersion}, the version the policy was sold under`,
    );
  }
  return product.cashValuePpm;
}

/**
 * The cash value on `date`, 0 for a product without a cash-value table; null for a policy without a product version
 * (no value can be computed).
 */
export function cashValueOrZero(
  policy: IssuedPolicy,
  product: ProductVersion | null,
  date: BusinessDate,
): Money | null {
  const table = cashValueTableOf(policy, product);
  if (table === null) return null;
  if (table.length === 0 || policy.nonforfeiture?.option === 'ETI') return { amount: 0, currency: policy.currency };
  return cashValueOn(policy, table, date).cashValue;
}

export interface SurrenderQuote {
  readonly onDate: BusinessDate;
  readonly cashValue: Money;
  readonly loanDebt: Money;
  /** Premium received for installments due after the date. */
  readonly prepaidPremium: Money;
  /** CV − loan debt + prepaid premium, never below 0. */
  readonly payout: Money;
  /** The last day to pay it (30 days after the request, art. 47). */
  readonly dueBy: BusinessDate;
}

/**
 * What a surrender requested on `date` pays (DESIGN 2.9). A product without a cash-value table surrenders for its
 * prepaid premium only (the policyholder may end the contract at any time, art. 15); a policy without a product
 * version cannot be valued: NO_CASH_VALUE.
 */
export function surrenderQuote(
  policy: IssuedPolicy,
  product: ProductVersion | null,
  date: BusinessDate,
): SurrenderQuote {
  const cashValue = cashValueOrZero(policy, product, date);
  if (cashValue === null) {
    throw new DomainError(
      'NO_CASH_VALUE',
      `Policy ${policy.policyId} was sold before the product catalogue: no product version, so no surrender value.`,
    );
  }
  if (date < policy.effectiveDate) {
    throw new DomainError('DATE_BEFORE_POLICY', `The policy takes effect on ${policy.effectiveDate}, not ${date}.`);
  }
  const loanDebt = loanDebtOn(policy, date);
  const prepaidPremium = premiumPaidInAdvance(policy, date);
  const payout = Math.max(0, cashValue.amount - loanDebt.amount + prepaidPremium.amount);
  return {
    onDate: date,
    cashValue,
    loanDebt,
    prepaidPremium,
    payout: { amount: payout, currency: policy.currency },
    dueBy: payoutDeadline(policy, date),
  };
}

/** The free look of the policy: the product's (never shorter than the law's), or the law's with no deduction. */
export function freeLookTermsOf(
  policy: IssuedPolicy,
  product: ProductVersion | null,
): { readonly days: number; readonly costDeduction: Money } {
  if (policy.productVersion !== null && product !== null) return product.freeLook;
  const law = FREE_LOOK_LAW[policy.jurisdiction] ?? FREE_LOOK_LAW.CN;
  return { days: law.days, costDeduction: { amount: 0, currency: policy.currency } };
}

/**
 * The partial surrender of a sum-assured decrease effective on `date` (DESIGN 2.9): CV(date) × (old − new) / old,
 * rounded half up; null when the policy cannot be valued (no product version) or nothing is given up.
 */
export function partialSurrenderValue(
  policy: IssuedPolicy,
  product: ProductVersion | null,
  date: BusinessDate,
  newSumAssured: Money,
): Money | null {
  const oldSumAssured = termsOn(policy.terms, date).sumAssured.amount;
  if (newSumAssured.amount >= oldSumAssured) return null;
  const cashValue = cashValueOrZero(policy, product, date);
  if (cashValue === null) return null;
  const share = divideRoundHalfUp(
    BigInt(cashValue.amount) * BigInt(oldSumAssured - newSumAssured.amount),
    BigInt(oldSumAssured),
  );
  return { amount: Number(share), currency: policy.currency };
}

/** The later of the effective date and the day it was decided: a scheduled change's money is owed from its date. */
export function owedFrom(effectiveDate: BusinessDate, today: BusinessDate): BusinessDate {
  return laterOf(effectiveDate, today);
}
