import type { Actor, Channel } from '@lib/event-sourcing';

/**
 * What a command or query needs to know about its caller, independent of the transport (REST now, gRPC later).
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
}
