/** The domain's own defence of its inputs (the edge validates shapes first; these keep the invariants regardless). */
import { isRealDate, type BusinessDate } from './dates';
import { DomainError } from './errors';
import { isValidMinorUnits, type Money } from './money';

export function checkDate(value: BusinessDate, field: string): void {
  if (!isRealDate(value))
    throw new DomainError('INVALID_DATE', `${field} must be a real YYYY-MM-DD date, got ${String(value)}.`);
}

/** Dates of things that happened may not lie after the business date of the command (DATE_IN_FUTURE). */
export function checkHappenedBy(value: BusinessDate, field: string, today: BusinessDate): void {
  checkDate(value, field);
  checkDate(today, 'context.today');
  if (value > today) throw new DomainError('DATE_IN_FUTURE', `${field} ${value} lies after today (${today}).`);
}

interface MoneyCheckOptions {
  /** Zero is not allowed (premiums, sums assured). */
  readonly positive?: boolean;
}

export function checkMoney(value: Money, currency: string, field: string, options: MoneyCheckOptions = {}): void {
  if (!isValidMinorUnits(value?.amount)) {
    throw new DomainError('INVALID_AMOUNT', `${field} must be a non-negative integer of minor units.`);
  }
  if (options.positive && value.amount === 0)
    throw new DomainError('INVALID_AMOUNT', `${field} must be greater than 0.`);
  if (value.currency !== currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `${field} is in ${value.currency}; the policy's currency is ${currency}.`,
    );
  }
}

export function isBlank(value: string | undefined | null): boolean {
  return value === undefined || value === null || value.trim() === '';
}
