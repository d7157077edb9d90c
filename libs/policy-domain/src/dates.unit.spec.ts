import {
  addDays,
  addMonthsClamped,
  addYearsClamped,
  anniversaryYearOf,
  daysBetween,
  fromDayNumber,
  isRealDate,
  parseBusinessDate,
  toDayNumber,
} from './dates';

describe('business-date arithmetic', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2025-02-29')).toBe(false);
    expect(isRealDate('2024-04-31')).toBe(false);
    expect(isRealDate('2024-13-01')).toBe(false);
    expect(isRealDate('2024-1-01')).toBe(false);
    expect(isRealDate('2024-01-01T00:00:00Z')).toBe(false);
    expect(isRealDate(20240101)).toBe(false);
    expect(isRealDate('1900-02-29')).toBe(false);
    expect(isRealDate('2000-02-29')).toBe(true);
    for (const notADate of ['0000-01-01', '2024-00-10', '2024-01-00', '2024-0a-01', '2024/01/01', ' 2024-01-01']) {
      expect(isRealDate(notADate)).toBe(false);
    }
    expect(isRealDate('2024-01-1 ')).toBe(false);
    expect(isRealDate('２０２４-01-01')).toBe(false);
    expect(isRealDate('2024-12-31')).toBe(true);
    expect(parseBusinessDate('0001-01-01')).toEqual({ year: 1, month: 1, day: 1 });
    expect(() => parseBusinessDate('2024-02-30')).toThrow(RangeError);
    expect(() => parseBusinessDate(undefined as unknown as string)).toThrow(RangeError);
  });

  it('day numbers count from 1970-01-01 and round-trip across centuries', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('2000-03-01')).toBe(11017);
    for (const date of ['1899-12-31', '1970-01-01', '2000-02-29', '2024-12-31', '2100-03-01', '9999-12-31']) {
      expect(fromDayNumber(toDayNumber(date))).toBe(date);
    }
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2025-03-15', 60)).toBe('2025-05-14');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('counts actual days between two dates', () => {
    expect(daysBetween('2025-03-15', '2025-06-01')).toBe(78);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-06-01', '2025-03-15')).toBe(-78);
  });

  it('adding months clamps to the last day of a shorter month', () => {
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonthsClamped('2025-01-31', 3)).toBe('2025-04-30');
    expect(addMonthsClamped('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonthsClamped('2025-03-31', -1)).toBe('2025-02-28');
  });

  it('adding years to Feb 29 lands on Feb 28 in a common year', () => {
    expect(addYearsClamped('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYearsClamped('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYearsClamped('2025-05-15', 2)).toBe('2027-05-15');
  });

  it('recognises policy anniversaries, month-end clamped', () => {
    expect(anniversaryYearOf('2024-03-15', '2026-03-15')).toBe(2);
    expect(anniversaryYearOf('2024-03-15', '2026-03-16')).toBeNull();
    expect(anniversaryYearOf('2024-03-15', '2024-03-15')).toBeNull();
    expect(anniversaryYearOf('2024-02-29', '2025-02-28')).toBe(1);
  });
});
