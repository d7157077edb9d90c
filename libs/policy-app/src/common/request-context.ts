import type { Actor, Channel } from '@lib/event-sourcing';
import { ApiProblem } from '../problem/api-problem';

/**
 * What a command or query needs to know about its caller, independent of the transport (REST, gRPC).
 * Each Nest command carries one; handlers turn it into the event metadata of DESIGN 2.6.
 */
export interface RequestContext {
  readonly actor: Actor;
  readonly channel: Channel;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly idempotencyKey?: string;
  /** The revision the caller saw (If-Match); a different current revision fails with PRECONDITION_FAILED. */
  readonly expectedRevision?: number;
  /**
   * W3C traceparent of the command request's server span (command-span.ts), recorded in the event metadata; with
   * tracing off, the caller's own (passed on).
   */
  readonly traceparent?: string;
}

const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
const VISIBLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The idempotency key as given by the caller (REST header or gRPC metadata entry `name`), checked the same way on
 * both transports. @throws ApiProblem 400 when it is empty, longer than 128 characters or not visible ASCII.
 */
export function parseIdempotencyKey(value: string | undefined, name = 'Idempotency-Key'): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !VISIBLE_ASCII.test(value)) {
    throw ApiProblem.validation(`${name} must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters`, [
      { path: name, message: `1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` },
    ]);
  }
  return value;
}

/** A caller-given correlation id must be 1–128 visible ASCII characters (no spaces); otherwise it is rejected. */
export const CORRELATION_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
