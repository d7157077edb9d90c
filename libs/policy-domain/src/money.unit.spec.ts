import { divideRoundHalfUp, isValidCurrency, isValidMinorUnits } from './money';

describe('money', () => {
  it('is a non-negative safe integer of minor units', () => {
    expect(isValidMinorUnits(0)).toBe(true);
    expect(isValidMinorUnits(120_000)).toBe(true);
    expect(isValidMinorUnits(12.5)).toBe(false);
    expect(isValidMinorUnits(-1)).toBe(false);
    expect(isValidMinorUnits(Number.MAX_SAFE_INTEGER + 1)).toBe(false);
    expect(isValidMinorUnits('100')).toBe(false);
  });

  it('has a three-letter ISO currency', () => {
    expect(isValidCurrency('CNY')).toBe(true);
    expect(isValidCurrency('cny')).toBe(false);
    expect(isValidCurrency('RMB1')).toBe(false);
  });

  it('rounds a quotient half up, exactly', () => {
    expect(divideRoundHalfUp(1n, 2n)).toBe(1n);
    expect(divideRoundHalfUp(3n, 2n)).toBe(2n);
    expect(divideRoundHalfUp(4n, 3n)).toBe(1n);
    expect(divideRoundHalfUp(5n, 3n)).toBe(2n);
    expect(divideRoundHalfUp(0n, 7n)).toBe(0n);
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });
});
