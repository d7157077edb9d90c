import { Inject, Injectable } from '@nestjs/common';
import {
  ConcurrencyError,
  handleCommand,
  loadCurrentState,
  type Aggregate,
  type AggregateCache,
  type Clock,
  type CommandHandlerDeps,
  type CommandMetadata,
  type CommandResult,
  type EventStore,
  type CurrentState,
  type IdGenerator,
} from '@lib/event-sourcing';
import { isDomainError } from '@lib/policy-domain';
import { IdempotencyService, type BoundKey } from '../idempotency/idempotency.service';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { concurrencyProblem } from '../problem/error-classification';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { AGGREGATE_CACHE, CLOCK, EVENT_STORE, ID_GENERATOR } from '../event-store/tokens';
import { businessDateOf } from '../event-store/system-clock';
import type { RequestContext } from './request-context';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { StreamQueueFullError, StreamWriteQueue } from './stream-write-queue';

/**
 * Commands that may wait for one stream at a time (embedded mode). Far above what a desk or a batch sends to one
 * policy at once (the burst was 100); beyond it a command is answered 409 CONCURRENCY_CONFLICT at once.
 */
const MAX_QUEUED_COMMANDS_PER_STREAM = 256;

interface RunOptions {
  /** The command's name, e.g. `RecordPremiumPayment`; with the stream it identifies the idempotent operation. */
  readonly operation: string;
  /** The validated request payload (hashed for Idempotency-Key reuse detection). */
  readonly payload: unknown;
  /** Problem code when the target stream does not exist (for an If-Match on a missing stream). */
  readonly notFoundCode: string;
  /** Creation commands ignore If-Match (the stream must not exist). */
  readonly creates?: boolean;
}

/** What every command response carries (DESIGN 3): the stream's revision after the command and the events written. */
export interface WrittenEvents {
  readonly revision: number;
  readonly events: { readonly eventId: string; readonly type: string; readonly revision: number }[];
  /** True when an earlier execution with the same Idempotency-Key was replayed; nothing was written. */
  readonly replayed: boolean;
}

/**
 * Runs a domain command through the kernel's command loop with the request's metadata: binds the Idempotency-Key
 * first, passes If-Match as the expected revision, and turns concurrency failures into the API's problems.
 *
 * Embedded mode: this process is the only writer of its SQLite file, so the commands on one stream run one after
 * the other (each decides on the state the previous one left) instead of racing each other into
 * CONCURRENCY_CONFLICT; an If-Match is still checked against the revision the command finds. EventStoreDB has other
 * writers (any number of instances): there the command loop's optimistic re-read and re-decide is the guard.
 */
@Injectable()
export class CommandRunner {
  private readonly deps: CommandHandlerDeps;
  /** Per-stream serialisation of writes; undefined when other processes write the same streams. */
  private readonly writeQueue: StreamWriteQueue | undefined;

  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(ID_GENERATOR) ids: IdGenerator,
    /** Folded state per stream: commands and current-state queries read only the events appended since. */
    @Inject(AGGREGATE_CACHE) readonly cache: AggregateCache,
    private readonly idempotency: IdempotencyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE_HANDLE) eventStore: EventStoreHandle,
  ) {
    this.deps = { store, clock, ids, cache };
    this.writeQueue =
      eventStore.mode === 'embedded-sqlite' ? new StreamWriteQueue(MAX_QUEUED_COMMANDS_PER_STREAM) : undefined;
  }

  /** Today's business date (in BUSINESS_TIME_ZONE) from the injected clock. */
  today(): string {
    return businessDateOf(this.clock.now(), this.config.businessTimeZone);
  }

  run<Command, Event, State>(
    aggregate: Aggregate<Command, Event, State>,
    streamId: string,
    command: Command,
    context: RequestContext,
    options: RunOptions,
  ): Promise<CommandResult<State>> {
    return this.inStreamOrder(streamId, () => this.decideAndAppend(aggregate, streamId, command, context, options));
  }

  /**
   * For commands whose context depends on the target's current state (e.g. the policy's current agent): reads the
   * stream, builds the command from it, and appends only if the stream is still at that revision; on a concurrent
   * change the whole cycle (read → context → decide) runs again, so the context never describes an older state.
   */
  runWithLoadedState<Command, Event, State>(
    aggregate: Aggregate<Command, Event, State>,
    streamId: string,
    buildCommand: (loaded: CurrentState<State>) => Promise<Command>,
    context: RequestContext,
    options: RunOptions,
  ): Promise<CommandResult<State>> {
    return this.inStreamOrder(streamId, () =>
      this.buildDecideAndAppend(aggregate, streamId, buildCommand, context, options),
    );
  }

  /** Embedded: after the commands queued on the stream before it. Otherwise at once. */
  private async inStreamOrder<Result>(streamId: string, task: () => Promise<Result>): Promise<Result> {
    if (this.writeQueue === undefined) return task();
    try {
      return await this.writeQueue.run(streamId, task);
    } catch (error) {
      if (!(error instanceof StreamQueueFullError)) throw error;
      throw new ApiProblem(
        'CONFLICT',
        PROBLEM_CODES.CONCURRENCY_CONFLICT,
        `More than ${this.writeQueue.maxQueued} commands are waiting for this stream; retry the request`,
      );
    }
  }

  private async decideAndAppend<Command, Event, State>(
    aggregate: Aggregate<Command, Event, State>,
    streamId: string,
    command: Command,
    context: RequestContext,
    options: RunOptions,
  ): Promise<CommandResult<State>> {
    const bound = await this.bindIdempotencyKey(streamId, context, options);
    const expectedRevision = options.creates === true ? undefined : context.expectedRevision;
    try {
      return await handleCommand(this.deps, aggregate, streamId, command, {
        expectedRevision,
        metadata: this.metadataOf(context),
        ...(bound?.rejection === undefined ? {} : { rejection: bound.rejection }),
      });
    } catch (error) {
      await this.recordRejection(context, bound, error);
      if (error instanceof ConcurrencyError) throw concurrencyProblem(error, expectedRevision, options.notFoundCode);
      throw error;
    }
  }

  private async buildDecideAndAppend<Command, Event, State>(
    aggregate: Aggregate<Command, Event, State>,
    streamId: string,
    buildCommand: (loaded: CurrentState<State>) => Promise<Command>,
    context: RequestContext,
    options: RunOptions,
  ): Promise<CommandResult<State>> {
    const bound = await this.bindIdempotencyKey(streamId, context, options);
    const metadata = this.metadataOf(context);
    for (let attempt = 1; ; attempt++) {
      const loaded = await loadCurrentState(this.store, aggregate, streamId, this.cache);
      const command = await buildCommand(loaded);
      // If-Match is checked against the revision read (after any idempotent replay, inside handleCommand).
      const pinned =
        loaded.revision === 'no_stream' ? context.expectedRevision : (context.expectedRevision ?? loaded.revision);
      try {
        return await handleCommand(this.deps, aggregate, streamId, command, {
          expectedRevision: pinned,
          metadata,
          maxAttempts: 1,
          ...(bound?.rejection === undefined ? {} : { rejection: bound.rejection }),
        });
      } catch (error) {
        // Only the decision's rejection is the key's answer (buildCommand runs before the replay checks).
        await this.recordRejection(context, bound, error);
        if (!(error instanceof ConcurrencyError)) throw error;
        const retryable = context.expectedRevision === undefined && attempt < MAX_ATTEMPTS;
        if (!retryable) throw concurrencyProblem(error, context.expectedRevision, options.notFoundCode);
      }
    }
  }

  private async bindIdempotencyKey(
    streamId: string,
    context: RequestContext,
    options: RunOptions,
  ): Promise<BoundKey | undefined> {
    const { idempotencyKey } = context;
    if (idempotencyKey === undefined) return undefined;
    return this.idempotency.bind(
      { ...context, idempotencyKey },
      { route: `${options.operation} ${streamId}`, payload: options.payload, streamId },
    );
  }

  /** A domain rejection of a request with an Idempotency-Key is its answer for every retry (DESIGN 3). */
  private async recordRejection(context: RequestContext, bound: BoundKey | undefined, error: unknown): Promise<void> {
    const { idempotencyKey } = context;
    if (bound === undefined || idempotencyKey === undefined || !isDomainError(error) || error === bound.rejection)
      return;
    await this.idempotency.recordRejection({ ...context, idempotencyKey }, bound, error);
  }

  private metadataOf(context: RequestContext): CommandMetadata {
    return {
      correlationId: context.correlationId,
      causationId: context.causationId,
      actor: context.actor,
      channel: context.channel,
      idempotencyKey: context.idempotencyKey,
      traceparent: context.traceparent,
    };
  }
}

const MAX_ATTEMPTS = 5;

export function writtenEvents(result: CommandResult<unknown>): WrittenEvents {
  return {
    revision: result.revision === 'no_stream' ? -1 : result.revision,
    events: result.events.map(({ eventId, type, revision }) => ({ eventId, type, revision })),
    replayed: result.replayed,
  };
}
