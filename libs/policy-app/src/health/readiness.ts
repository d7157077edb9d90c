import type { EventStoreHandle } from '../event-store/event-store.module';
import type { ReadModelConnection } from '../projections/read-model-connection';
import { FEEDS, type Feed, type FeedHealth } from './feed-health';

/** A check that has not answered by then counts as failed: a probe must answer, even when a database hangs. */
const CHECK_TIMEOUT_MS = 2_000;

export interface ComponentCheck {
  readonly ok: boolean;
  /** Why not, when not ok. */
  readonly detail?: string;
}

/**
 * What readiness is made of (DESIGN 3): the event store answers reads and takes writes, the read models answer, and
 * no background feed stopped for good. Commands need the first two, policy queries the first, reports the read models
 * and their feed (the embedded projection, where this process runs it).
 */
export interface Readiness {
  /** Everything below holds: the instance can take any request. */
  readonly ready: boolean;
  readonly eventStore: { readonly mode: string; readonly readable: ComponentCheck; readonly writable: ComponentCheck };
  readonly readModels: { readonly kind: string; readonly reachable: ComponentCheck };
  /** Not ok: the feed stopped because the event store refuses its subscription (see FeedHealth). */
  readonly feeds: Readonly<Record<Feed, ComponentCheck>>;
}

/**
 * Checks each part once, concurrently, each within CHECK_TIMEOUT_MS. Cheap: the event store's write check writes
 * only while writes are refused (see OpenedEventStore.checkWritable), the read models answer one small query.
 */
export async function checkReadiness(
  eventStore: EventStoreHandle,
  readModels: ReadModelConnection,
  feedHealth: FeedHealth,
): Promise<Readiness> {
  const [readable, writable, reachable] = await Promise.all([
    check(() => eventStore.checkReady()),
    check(() => eventStore.checkWritable()),
    check(async () => {
      await (await readModels.store()).checkpoint();
    }),
  ]);
  const feeds = Object.fromEntries(FEEDS.map((feed) => [feed, feedCheck(feedHealth.failureOf(feed))])) as Record<
    Feed,
    ComponentCheck
  >;
  return {
    ready: readable.ok && writable.ok && reachable.ok && Object.values(feeds).every((feed) => feed.ok),
    eventStore: { mode: eventStore.mode, readable, writable },
    readModels: { kind: readModels.kind, reachable },
    feeds,
  };
}

function feedCheck(failure: string | undefined): ComponentCheck {
  return failure === undefined ? { ok: true } : { ok: false, detail: failure };
}

async function check(run: () => Promise<void>): Promise<ComponentCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), timedOut]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
