/**
 * Policy loans (保单借款, DESIGN 2.10): the loan account of a policy and its money. Interest is simple, actual/365, on
 * the outstanding balance: for each period between two balance changes it is round_half_up(balance × rate × days /
 * 365), added to the accrued interest; the accrued interest is capitalized on each policy anniversary. Every event
 * that changes the balance records the interest of the period that ended with it, so folding needs no arithmetic
 * beyond adding what the events say.
 */
import { addYearsClamped, daysBetween, parseBusinessDate, type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { divideRoundHalfUp, type Money } from '../money';
import { type ProductVersion } from '../product/product';
import { cashValueOrZero } from './payables';
import { type IssuedPolicy } from './policy-state';

export interface LoanAccount {
  /** Principal outstanding, capitalized interest included. */
  readonly balance: Money;
  /** Interest accrued up to `accruedThrough` and not yet capitalized or paid. */
  readonly accruedInterest: Money;
  /** The day interest has been accrued to (the last balance change). */
  readonly accruedThrough: BusinessDate;
  readonly interestBasisPoints: number;
  /** The anniversary on which the accrued interest is capitalized next; null while nothing is owed. */
  readonly nextCapitalizationOn: BusinessDate | null;
  /** Every loan granted, oldest first (`{policyId}-L{n}`). */
  readonly loans: readonly { readonly loanNo: string; readonly amount: Money; readonly grantedOn: BusinessDate }[];
  /** Receipts of the repayments, unique per policy. */
  readonly receipts: readonly string[];
  /** The LOAN_WARNING sent since the debt last fell (a repayment clears it); null when none. */
  readonly warnedOn?: BusinessDate | null;
}

/** round_half_up(balance × basis points × days / (365 × 10,000)): the interest of one period, in minor units. */
export function periodInterest(balance: number, basisPoints: number, days: number): number {
  if (balance <= 0 || days <= 0) return 0;
  return Number(divideRoundHalfUp(BigInt(balance) * BigInt(basisPoints) * BigInt(days), 3_650_000n));
}

/** The interest accrued on the balance from `accruedThrough` to `date` (0 before it or without a loan). */
export function interestSince(loan: LoanAccount | null, date: BusinessDate): number {
  if (loan === null || date <= loan.accruedThrough) return 0;
  return periodInterest(loan.balance.amount, loan.interestBasisPoints, daysBetween(loan.accruedThrough, date));
}

/** Debt(D) = balance + interest accrued up to D (DESIGN 2.10); 0 without a loan. */
export function loanDebtOn(policy: IssuedPolicy, date: BusinessDate): Money {
  const { loan } = policy;
  if (loan === null) return { amount: 0, currency: policy.currency };
  return {
    amount: loan.balance.amount + loan.accruedInterest.amount + interestSince(loan, date),
    currency: policy.currency,
  };
}

/** The first policy anniversary after `date`. */
export function anniversaryAfter(effectiveDate: BusinessDate, date: BusinessDate): BusinessDate {
  let years = Math.max(1, parseBusinessDate(date).year - parseBusinessDate(effectiveDate).year);
  while (addYearsClamped(effectiveDate, years) <= date) years++;
  while (years > 1 && addYearsClamped(effectiveDate, years - 1) > date) years--;
  return addYearsClamped(effectiveDate, years);
}

/**
 * How a payment against the debt on `date` divides: the interest of the period since the last change is accrued
 * first, then the payment goes to interest, then to principal.
 */
interface LoanSettlement {
  /** Interest of the period from `accruedThrough` to the date, accrued before the payment. */
  readonly interestAccrued: Money;
  readonly toInterest: Money;
  readonly toPrincipal: Money;
}

export function settlementOf(policy: IssuedPolicy, amount: number, date: BusinessDate): LoanSettlement {
  const { loan, currency } = policy;
  const money = (value: number): Money => ({ amount: value, currency });
  if (loan === null) return { interestAccrued: money(0), toInterest: money(0), toPrincipal: money(0) };
  const accrued = interestSince(loan, date);
  const interestDue = loan.accruedInterest.amount + accrued;
  const toInterest = Math.min(amount, interestDue);
  return {
    interestAccrued: money(accrued),
    toInterest: money(toInterest),
    toPrincipal: money(Math.min(amount - toInterest, loan.balance.amount)),
  };
}

/** The account after a settlement on `date`: nothing to capitalize once nothing is owed. */
export function settled(loan: LoanAccount, settlement: LoanSettlement, date: BusinessDate): LoanAccount {
  const balance = loan.balance.amount - settlement.toPrincipal.amount;
  const accruedInterest =
    loan.accruedInterest.amount + settlement.interestAccrued.amount - settlement.toInterest.amount;
  return {
    ...loan,
    balance: { amount: balance, currency: loan.balance.currency },
    accruedInterest: { amount: accruedInterest, currency: loan.balance.currency },
    accruedThrough: date,
    nextCapitalizationOn: balance === 0 && accruedInterest === 0 ? null : loan.nextCapitalizationOn,
  };
}

/** Whether anything is owed on the account. */
export function hasLoanDebt(loan: LoanAccount | null): loan is LoanAccount {
  return loan !== null && (loan.balance.amount > 0 || loan.accruedInterest.amount > 0);
}

export interface LoanQuote {
  readonly onDate: BusinessDate;
  readonly cashValue: Money;
  readonly maxPercentOfCashValue: number;
  readonly interestBasisPoints: number;
  /** Debt(D): balance + interest accrued up to D. */
  readonly debt: Money;
  /** floor(maxPercentOfCashValue × CV / 100) − debt, never below 0: the most a new loan may be. */
  readonly available: Money;
}

/**
 * What may be borrowed on `date` (DESIGN 2.10, `GET …/loan-quote`). @throws DomainError NO_CASH_VALUE without a
 * product version, LOAN_NOT_ALLOWED when the product does not lend.
 */
export function loanQuote(policy: IssuedPolicy, product: ProductVersion | null, date: BusinessDate): LoanQuote {
  const cashValue = cashValueOrZero(policy, product, date);
  if (cashValue === null) {
    throw new DomainError(
      'NO_CASH_VALUE',
      `Policy ${policy.policyId} has no product version: nothing to lend against.`,
    );
  }
  const terms = product?.loan ?? null;
  if (terms === null) {
    throw new DomainError('LOAN_NOT_ALLOWED', `Product ${policy.productCode} does not lend against its cash value.`);
  }
  const debt = loanDebtOn(policy, date);
  const limit = Math.floor((terms.maxPercentOfCashValue * cashValue.amount) / 100);
  return {
    onDate: date,
    cashValue,
    maxPercentOfCashValue: terms.maxPercentOfCashValue,
    interestBasisPoints: hasLoanDebt(policy.loan) ? policy.loan.interestBasisPoints : terms.interestBasisPoints,
    debt,
    available: { amount: Math.max(0, limit - debt.amount), currency: policy.currency },
  };
}
