/**
 * The event store's two sources: the live `$all` subscription from a checkpoint (the embedded feed) and a bounded scan
 * of `$all` page by page (a rebuild). The third source, a Kafka consumer group, is libs/kafka's ConsumerRunner.
 */
import { subscribeFromCheckpoint, type EventStore, type Position, type RecordedEvent } from '@lib/event-sourcing';
import { lingerBatches, type LingerOptions } from './batching';
import { type SourceBatch } from './feed-pipeline';

export interface SubscriptionSource extends AsyncIterable<SourceBatch<RecordedEvent>> {
  /** Closes the subscription: the iteration ends (a pending batch is not delivered). */
  close(): Promise<void>;
}

/**
 * Every event of `$all` after `checkpoint`, live, in linger batches. The checkpoint is the sink's (the read models
 * move theirs with every applied batch), so the batches need no acknowledgement.
 * @throws SubscriptionError (permanent) when the store cannot subscribe after that checkpoint at all.
 */
export function subscriptionSource(
  events: Pick<EventStore, 'subscribeToAll'>,
  checkpoint: Position | null,
  batching: LingerOptions,
): SubscriptionSource {
  const subscription = subscribeFromCheckpoint(events, checkpoint);
  return {
    close: () => subscription.close(),
    async *[Symbol.asyncIterator]() {
      for await (const items of lingerBatches(subscription, batching)) yield { items };
    },
  };
}

interface LogScanOptions {
  /** Start after this position; default the start of the log. */
  readonly after?: Position;
  /** Events per page (one batch); default 1000. */
  readonly pageSize?: number;
  /** Called before every page is read: throw to stop. */
  readonly beforePage?: () => void;
  /** Called once a page settled, with its last position (what a next scan resumes after) and its size. */
  readonly onPage?: (last: Position, events: number) => void;
}

/** `$all` page by page from `after` up to the end of the log as it is when the last page is read. */
export async function* logScanSource(
  events: Pick<EventStore, 'readAll'>,
  { after, pageSize = 1000, beforePage, onPage }: LogScanOptions = {},
): AsyncGenerator<SourceBatch<RecordedEvent>, void, undefined> {
  let from = after;
  for (;;) {
    beforePage?.();
    const page = await events.readAll({ ...(from === undefined ? {} : { after: from }), maxCount: pageSize });
    if (page.length === 0) return;
    const last = page[page.length - 1].position;
    yield {
      items: page,
      acknowledge: async () => {
        from = last;
        onPage?.(last, page.length);
      },
    };
  }
}
