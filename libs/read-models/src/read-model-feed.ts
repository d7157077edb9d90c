/**
 * The read models as a sink of the feed runtime (libs/feed-runtime): a batch is one `applyBatch` transaction, a
 * ProjectionError is the events' fault, and an event that keeps failing quarantines its stream at that event, the
 * checkpoint moving past it. The embedded feed and a rebuild are this sink behind an event-store source; the Kafka
 * projector dead-letters first and quarantines on its own (its checkpoint is the group's offsets).
 */
import { type RecordedEvent } from '@lib/event-sourcing';
import { FeedPipeline, type FeedFailure, type FeedSink, type RetryPolicy } from '@lib/feed-runtime';
import { ProjectionError } from './projections/projection-event';
import { type ApplyBatchResult, type ReadModelStore, type RebuildingReadModelStore } from './read-model-store';

interface ReadModelFeedOptions {
  /** Attempts of an event failing with a ProjectionError before its stream is quarantined; default 3. */
  readonly poisonAttempts?: number;
  /** Attempts of a failing transaction for any other reason; default: until it works or the feed stops. */
  readonly transientAttempts?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly onFailure?: (failure: FeedFailure<RecordedEvent>) => void;
  /** After each committed transaction. */
  readonly onApplied?: (batch: readonly RecordedEvent[], result: ApplyBatchResult) => void;
  /** After a quarantine; `quarantined` is false when the stream was quarantined before (or applied it meanwhile). */
  readonly onQuarantine?: (event: RecordedEvent, error: ProjectionError, quarantined: boolean) => void;
}

type ReadModelWriter = Pick<ReadModelStore | RebuildingReadModelStore, 'applyBatch' | 'quarantineStream'>;

/** The pipeline applying events to `store`, quarantining a stream at an event its projection cannot apply. */
export function readModelPipeline(
  store: ReadModelWriter,
  options: ReadModelFeedOptions = {},
): FeedPipeline<RecordedEvent> {
  const sink: FeedSink<RecordedEvent> = {
    handle: async (batch) => {
      const result = await store.applyBatch(batch);
      options.onApplied?.(batch, result);
    },
    isPoison: (error) => error instanceof ProjectionError,
    quarantine: async (event, error) => {
      if (!(error instanceof ProjectionError)) throw error;
      const quarantined = await store.quarantineStream(event, error.reason, { moveCheckpoint: true });
      options.onQuarantine?.(event, error, quarantined);
    },
  };
  return new FeedPipeline({
    sink,
    retryPolicy: options.retryPolicy,
    poisonAttempts: options.poisonAttempts,
    transientAttempts: options.transientAttempts,
    onFailure: options.onFailure,
  });
}
