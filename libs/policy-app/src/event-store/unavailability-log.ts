import { EventStoreUnavailableError, UnreadableEventError } from '@lib/event-sourcing';
import type { Logger } from 'pino';
import { ApiProblem } from '../problem/api-problem';

/** One line per reason per minute at most: a retry storm against a full disk must not become a log storm. */
const REPEAT_WINDOW_MS = 60_000;
/** Distinct reasons remembered (unreadable events are one reason each); older ones are forgotten first. */
const MAX_REASONS = 1_000;

interface Described {
  /** What makes two reports "the same": one line per key per window. */
  readonly key: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/**
 * The log of "cannot serve this now" (DESIGN 7): a store that refuses writes or cannot be reached, an event this
 * version cannot read. Each is an expected condition with one cause, so it is one warn line without a stack; the
 * same reason again within a minute is only counted, and the count goes with its next line (`repeated`). "Takes
 * writes again" is an info line under the same rule: a nearly full disk, where small writes go through and larger ones
 * do not, flips back and forth without flooding the log.
 */
export class UnavailabilityLog {
  private readonly seen = new Map<string, { loggedAt: number; repeated: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs = REPEAT_WINDOW_MS,
  ) {}

  /** A request (or a check) met an unavailable store or an unreadable event. */
  report(error: unknown, context: { readonly correlationId?: string } = {}): void {
    const { key, fields, message } = describe(error);
    const repeated = this.admit(key);
    if (repeated === undefined) return;
    this.logger.warn({ ...fields, ...context, ...(repeated > 0 ? { repeated } : {}) }, message);
  }

  /** The store takes writes again. */
  recovered(): void {
    const repeated = this.admit('store-recovered');
    if (repeated === undefined) return;
    this.logger.info(repeated > 0 ? { repeated } : {}, 'event store takes writes again');
  }

  /** How many times the key was suppressed since its last line, or undefined when this one is suppressed too. */
  private admit(key: string): number | undefined {
    const now = this.now();
    const seen = this.seen.get(key);
    if (seen !== undefined && now - seen.loggedAt < this.windowMs) {
      seen.repeated++;
      return undefined;
    }
    this.seen.delete(key);
    this.seen.set(key, { loggedAt: now, repeated: 0 });
    if (this.seen.size > MAX_REASONS) this.seen.delete(this.seen.keys().next().value as string);
    return seen?.repeated ?? 0;
  }
}

const STORE_KEY = 'store:';

function describe(error: unknown): Described {
  if (error instanceof EventStoreUnavailableError) {
    return {
      key: `${STORE_KEY}${error.reason}`,
      fields: { reason: error.reason, detail: error.message },
      message: 'event store unavailable: writes are refused (503) until one goes through again',
    };
  }
  if (error instanceof UnreadableEventError) {
    const { streamId, revision, type, schemaVersion } = error;
    return {
      key: `unreadable:${streamId}:${revision}`,
      fields: { streamId, revision, eventType: type, schemaVersion },
      message: 'event unreadable by this version: its stream answers 503 EVENT_VERSION_UNSUPPORTED',
    };
  }
  if (error instanceof ApiProblem) {
    return { key: `problem:${error.code}`, fields: { code: error.code, detail: error.detail }, message: 'unavailable' };
  }
  const name = error instanceof Error ? error.name : typeof error;
  const detail = error instanceof Error ? error.message : String(error);
  return { key: `${STORE_KEY}${name}`, fields: { reason: name, detail }, message: 'event store unavailable' };
}
