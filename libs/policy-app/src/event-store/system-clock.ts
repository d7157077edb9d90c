import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '@lib/event-sourcing';

let lastMillis = Number.NaN;
let lastInstant = '';

/** The wall clock as ISO-8601; the string is formatted once per millisecond (it is read several times per command). */
export const systemClock: Clock = {
  now: () => {
    const millis = Date.now();
    if (millis !== lastMillis) {
      lastInstant = new Date(millis).toISOString();
      lastMillis = millis;
    }
    return lastInstant;
  },
};
export const uuidGenerator: IdGenerator = { newId: () => randomUUID() };

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The business date of an instant from the clock, `YYYY-MM-DD`, in the insurer's time zone (`BUSINESS_TIME_ZONE`):
 * in Beijing a payment made at 07:00 on the 2nd is paid on the 2nd, although it is still the 1st in UTC.
 */
export function businessDateOf(instant: string, timeZone = 'UTC'): string {
  if (timeZone === 'UTC') return instant.slice(0, 10);
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(instant));
}

/** True when the runtime knows the IANA time zone (e.g. `Asia/Shanghai`). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    return false;
  }
}
