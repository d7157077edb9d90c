import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '@lib/event-sourcing';

export const systemClock: Clock = { now: () => new Date().toISOString() };
export const uuidGenerator: IdGenerator = { newId: () => randomUUID() };

/** The business date (UTC) of an instant from the clock: `YYYY-MM-DD`. */
export function businessDateOf(instant: string): string {
  return instant.slice(0, 10);
}
