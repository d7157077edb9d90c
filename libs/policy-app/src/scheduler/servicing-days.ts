import { addDays, daysBetween, isRealDate, type BusinessDate } from '@lib/policy-domain';
import type { ServicingDay, ServicingDayReport } from './servicing-day';

export interface DayRange {
  readonly from: BusinessDate;
  readonly to: BusinessDate;
}

/** Checks a range of business dates to run (catch-up after downtime); @throws RangeError with the reason. */
export function checkDayRange({ from, to }: DayRange, today: BusinessDate): void {
  if (!isRealDate(from)) throw new RangeError(`--from is not a date YYYY-MM-DD: ${JSON.stringify(from)}`);
  if (!isRealDate(to)) throw new RangeError(`--to is not a date YYYY-MM-DD: ${JSON.stringify(to)}`);
  if (to < from) throw new RangeError(`--to ${to} lies before --from ${from}`);
  // Reminders, lapses and terminations are things that happened: they cannot be dated after today (DESIGN 3).
  if (to > today) throw new RangeError(`${to} lies after today (${today}): a servicing day cannot run in advance`);
}

/**
 * Runs the servicing days from `from` to `to` in date order, each after the previous one's effects reached the read
 * models (ServicingDay waits for them), reporting each finished day.
 */
export async function runServicingDays(
  servicingDay: ServicingDay,
  range: DayRange,
  onDayDone: (report: ServicingDayReport, done: number, total: number) => void = () => undefined,
): Promise<ServicingDayReport[]> {
  const total = daysBetween(range.from, range.to) + 1;
  const reports: ServicingDayReport[] = [];
  for (let index = 0; index < total; index++) {
    const report = await servicingDay.run(addDays(range.from, index));
    reports.push(report);
    onDayDone(report, index + 1, total);
  }
  return reports;
}
