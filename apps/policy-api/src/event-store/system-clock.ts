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

/** The business date (UTC) of an instant from the clock: `YYYY-MM-DD`. */
export function businessDateOf(instant: string): string {
  return instant.slice(0, 10);
}
