/** Money is an integer number of minor units (fen, cents) ≥ 0 in one ISO 4217 currency; never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function isValidCurrency(currency: unknown): currency is string {
  return typeof currency === 'string' && CURRENCY_PATTERN.test(currency);
}

/** A non-negative safe integer of minor units. */
export function isValidMinorUnits(amount: unknown): amount is number {
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0;
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/**
 * `round_half_up(numerator / denominator)` for non-negative integers, exact at any size (BigInt), so interest never
 * drifts through floating point.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n)
    throw new RangeError('divideRoundHalfUp expects numerator ≥ 0, denominator > 0');
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  return remainder * 2n >= denominator ? quotient + 1n : quotient;
}
