/**
 * Pure calendar arithmetic on business dates (`YYYY-MM-DD`, proleptic Gregorian calendar). No clock, no time zone:
 * a business date is a day, converted to and from a day number (days since 1970-01-01) with integer arithmetic.
 */
export type BusinessDate = string;

interface CalendarDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

const ZERO = 48;
const HYPHEN = 45;

/** The number written by `count` ASCII digits at `start`, or -1 when one of them is not a digit. */
function digitsAt(value: string, start: number, count: number): number {
  let number = 0;
  for (let index = start; index < start + count; index++) {
    const digit = value.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/**
 * The calendar date a `YYYY-MM-DD` string names, or null when it is not one that exists. Read character by
 * character: business dates are parsed for every event a projection or a fold handles.
 */
function calendarDateOf(value: string): CalendarDate | null {
  if (value.length !== 10 || value.charCodeAt(4) !== HYPHEN || value.charCodeAt(7) !== HYPHEN) return null;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** True for a `YYYY-MM-DD` string naming a day that exists (no Feb 30, no month 13). */
export function isRealDate(value: unknown): value is BusinessDate {
  return typeof value === 'string' && calendarDateOf(value) !== null;
}

/** @throws RangeError when the string is not a real `YYYY-MM-DD` date. */
export function parseBusinessDate(value: BusinessDate): CalendarDate {
  const date = typeof value === 'string' ? calendarDateOf(value) : null;
  if (date === null) throw new RangeError(`Not a real YYYY-MM-DD date: ${String(value)}`);
  return date;
}

function formatBusinessDate({ year, month, day }: CalendarDate): BusinessDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 (negative before). Howard Hinnant's days_from_civil. */
export function toDayNumber(date: BusinessDate): number {
  const { year, month, day } = parseBusinessDate(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = (month + 9) % 12; // March = 0
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Inverse of `toDayNumber` (Howard Hinnant's civil_from_days). */
export function fromDayNumber(dayNumber: number): BusinessDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return formatBusinessDate({ year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day });
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** `to − from` in days (actual days; negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Adds calendar months; when the target month is shorter, the result is that month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonthsClamped(date: BusinessDate, months: number): BusinessDate {
  const { year, month, day } = parseBusinessDate(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return formatBusinessDate({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** Same day of month `years` later, month-end clamped (Feb 29 + 1 year → Feb 28). */
export function addYearsClamped(date: BusinessDate, years: number): BusinessDate {
  return addMonthsClamped(date, years * 12);
}

/**
 * The policy year `date` is an anniversary of (1, 2, …), or null. Anniversaries are computed from the start date
 * each time, so a Feb 29 start has its anniversaries on Feb 28 in common years.
 */
export function anniversaryYearOf(start: BusinessDate, date: BusinessDate): number | null {
  const years = parseBusinessDate(date).year - parseBusinessDate(start).year;
  return years >= 1 && addYearsClamped(start, years) === date ? years : null;
}

/** Business dates compare as strings (fixed-width ISO form). */
export function earlierOf(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a <= b ? a : b;
}

export function laterOf(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a > b ? a : b;
}
