import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AggregateCache, type Clock, type EventStore, type IdGenerator } from '@lib/event-sourcing';
import type { OpenedEventStore } from './open-event-store';
import { AGGREGATE_CACHE, CLOCK, EVENT_STORE, ID_GENERATOR } from './tokens';

export const EVENT_STORE_HANDLE = Symbol('EVENT_STORE_HANDLE');
export type EventStoreHandle = OpenedEventStore;
/**
 * Streams whose folded state the command loop and current-state queries keep (LRU). A policy's state is a few KB
 * (plus the events it got under idempotency keys), so this bounds the cache to some tens of MB; a stream serviced
 * again after thousands of others is read whole again.
 */
const AGGREGATE_CACHE_STREAMS = 5_000;

/**
 * Embedded: this process is the writer of its SQLite file, so commands decide on the cached state and the append's
 * revision check catches the rare outside write. EventStoreDB: several instances write the same streams, so each
 * command first reads what was appended since its cached revision (see CacheFreshness).
 */
function aggregateCacheFor(opened: OpenedEventStore): AggregateCache {
  return new AggregateCache({
    maxStreams: AGGREGATE_CACHE_STREAMS,
    freshness: opened.mode === 'embedded-sqlite' ? 'check-at-append' : 'read-before-decide',
  });
}

/**
 * The event store port (opened before the app is created), its aggregate cache, the clock and the id generator;
 * closes the store on shutdown.
 */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  static forRoot(opened: OpenedEventStore, clock: Clock, ids: IdGenerator): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: EVENT_STORE_HANDLE, useValue: opened },
        { provide: EVENT_STORE, useValue: opened.store },
        { provide: AGGREGATE_CACHE, useValue: aggregateCacheFor(opened) },
        { provide: CLOCK, useValue: clock },
        { provide: ID_GENERATOR, useValue: ids },
      ],
      exports: [EVENT_STORE_HANDLE, EVENT_STORE, AGGREGATE_CACHE, CLOCK, ID_GENERATOR],
    };
  }

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
