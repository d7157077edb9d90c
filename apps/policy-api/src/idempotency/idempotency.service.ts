import { Inject, Injectable } from '@nestjs/common';
import { ConcurrencyError, toJsonMetadata, type Clock, type EventStore, type IdGenerator } from '@lib/event-sourcing';
import type { RequestContext } from '../common/request-context';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { CLOCK, EVENT_STORE, ID_GENERATOR } from '../event-store/tokens';
import { canonicalJson, sha256Hex } from './canonical-json';

/** Stream category of the key index; not a policy or agent stream, so projections never see it. */
export const IDEMPOTENCY_STREAM_PREFIX = 'idempotency-';
export const IDEMPOTENCY_KEY_BOUND = 'IdempotencyKeyBound';

export interface IdempotentRequest {
  /** The operation and its target, e.g. `RecordPremiumPayment policy-P-1`; the same on every transport. */
  readonly route: string;
  /** The validated request payload; hashed canonically. */
  readonly payload: unknown;
  /** The stream the command writes to. */
  readonly streamId: string;
}

/**
 * Binds an Idempotency-Key to one request, durably, on the EventStore port itself (works on SQLite and EventStoreDB):
 * the index stream `idempotency-<sha256(actorId:key)>` holds one `IdempotencyKeyBound` event, appended with expected
 * revision `no_stream` before the command runs. A later request with the same key must match its route and body
 * hash; the replay of the first response is then done by the command loop from the target stream's events.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /** @throws ApiProblem IDEMPOTENCY_KEY_REUSED when the key was bound to another route or body. */
  async bind(context: RequestContext & { idempotencyKey: string }, request: IdempotentRequest): Promise<void> {
    const indexStreamId = `${IDEMPOTENCY_STREAM_PREFIX}${sha256Hex(`${context.actor.id}:${context.idempotencyKey}`)}`;
    const requestHash = sha256Hex(canonicalJson(request.payload));
    const eventId = this.ids.newId();
    try {
      await this.store.append(
        indexStreamId,
        [
          {
            eventId,
            type: IDEMPOTENCY_KEY_BOUND,
            data: {
              route: request.route,
              requestHash,
              streamId: request.streamId,
              actorId: context.actor.id,
              idempotencyKey: context.idempotencyKey,
            },
            metadata: toJsonMetadata({
              eventId,
              correlationId: context.correlationId,
              causationId: context.causationId ?? context.correlationId,
              actor: context.actor,
              channel: context.channel,
              idempotencyKey: context.idempotencyKey,
              recordedAt: this.clock.now(),
              schemaVersion: 1,
            }),
          },
        ],
        'no_stream',
      );
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
    const [bound] = await this.store.readStream(indexStreamId, { maxCount: 1 });
    if (bound.data.route !== request.route || bound.data.requestHash !== requestHash) {
      throw new ApiProblem(
        'BUSINESS_RULE',
        PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED,
        'This Idempotency-Key was already used for a different request (other route, target or body); use a new key',
      );
    }
  }
}
