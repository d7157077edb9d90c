import { Inject, Injectable } from '@nestjs/common';
import {
  ConcurrencyError,
  toJsonMetadata,
  type Clock,
  type EventStore,
  type IdGenerator,
  type JsonObject,
  type NewEvent,
} from '@lib/event-sourcing';
import { DomainError, isDomainErrorCode } from '@lib/policy-domain';
import type { Logger } from 'pino';
import type { RequestContext } from '../common/request-context';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { CLOCK, EVENT_STORE, ID_GENERATOR } from '../event-store/tokens';
import { LOGGER } from '../logging/logger';
import { canonicalJson, sha256Hex } from './canonical-json';

/** Stream category of the key index; not a policy or agent stream, so projections never see it. */
const IDEMPOTENCY_STREAM_PREFIX = 'idempotency-';
const IDEMPOTENCY_KEY_BOUND = 'IdempotencyKeyBound';
const IDEMPOTENT_REQUEST_REJECTED = 'IdempotentRequestRejected';

interface IdempotentRequest {
  /** The operation and its target, e.g. `RecordPremiumPayment policy-P-1`; the same on every transport. */
  readonly route: string;
  /** The validated request payload; hashed canonically. */
  readonly payload: unknown;
  /** The stream the command writes to. */
  readonly streamId: string;
}

/** A key bound to this request: where its index lives, and the rejection an earlier execution answered, if any. */
export interface BoundKey {
  readonly indexStreamId: string;
  /** The domain error the first execution was rejected with (recorded by `recordRejection`). */
  readonly rejection?: DomainError;
}

/**
 * Binds an Idempotency-Key to one request, durably, on the EventStore port itself (works on SQLite and EventStoreDB):
 * the index stream `idempotency-<sha256(actorId:key)>` holds one `IdempotencyKeyBound` event, appended with expected
 * revision `no_stream` before the command runs. A later request with the same key must match its route and body
 * hash. The first response is then given again (DESIGN 3): a success by the command loop from the target stream's
 * events, a rejection from the `IdempotentRequestRejected` event the first execution added to the index stream.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** @throws ApiProblem IDEMPOTENCY_KEY_REUSED when the key was bound to another route or body. */
  async bind(context: RequestContext & { idempotencyKey: string }, request: IdempotentRequest): Promise<BoundKey> {
    const indexStreamId = `${IDEMPOTENCY_STREAM_PREFIX}${sha256Hex(`${context.actor.id}:${context.idempotencyKey}`)}`;
    const requestHash = sha256Hex(canonicalJson(request.payload));
    const binding = this.indexEvent(context, IDEMPOTENCY_KEY_BOUND, {
      route: request.route,
      requestHash,
      streamId: request.streamId,
      actorId: context.actor.id,
      idempotencyKey: context.idempotencyKey,
    });
    try {
      await this.store.append(indexStreamId, [binding], 'no_stream');
      return { indexStreamId };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
    const [bound, outcome] = await this.store.readStream(indexStreamId, { maxCount: 2 });
    if (bound.data.route !== request.route || bound.data.requestHash !== requestHash) {
      throw new ApiProblem(
        'BUSINESS_RULE',
        PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED,
        'This Idempotency-Key was already used for a different request (other route, target or body); use a new key',
      );
    }
    const { code, detail } = outcome?.type === IDEMPOTENT_REQUEST_REJECTED ? outcome.data : {};
    // A code this version does not know (written by a newer one) is not replayed: the command decides again.
    if (!isDomainErrorCode(code) || typeof detail !== 'string') return { indexStreamId };
    return { indexStreamId, rejection: new DomainError(code, detail) };
  }

  /**
   * Records that the request bound to the key was rejected, so that a retry gets the same answer. Best effort: when
   * it cannot be written (a concurrent retry recorded it first, the store is unavailable) the retry decides again.
   */
  async recordRejection(
    context: RequestContext & { idempotencyKey: string },
    bound: BoundKey,
    rejection: DomainError,
  ): Promise<void> {
    const event = this.indexEvent(context, IDEMPOTENT_REQUEST_REJECTED, {
      code: rejection.code,
      detail: rejection.detail,
    });
    try {
      await this.store.append(bound.indexStreamId, [event], 0);
    } catch (error) {
      // A concurrent retry recorded its rejection first: the same answer. Anything else: the retry decides again.
      if (!(error instanceof ConcurrencyError)) {
        this.logger.warn(
          { err: error, indexStreamId: bound.indexStreamId },
          'could not record an idempotent rejection',
        );
      }
    }
  }

  private indexEvent(context: RequestContext & { idempotencyKey: string }, type: string, data: JsonObject): NewEvent {
    const eventId = this.ids.newId();
    return {
      eventId,
      type,
      data,
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
    };
  }
}
