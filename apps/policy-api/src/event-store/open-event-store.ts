import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import type { AppConfig } from '../config/app-config';

export interface OpenedEventStore {
  readonly store: EventStore;
  readonly mode: 'embedded-sqlite' | 'eventstoredb';
  /** Resolves when the store can serve reads and writes; rejects with the reason otherwise. */
  readonly checkReady: () => Promise<void>;
  /** Whether an error means the store is unreachable right now (answered 503 rather than 500). */
  readonly isUnavailableError: (error: unknown) => boolean;
}

/** Store selection is configuration only: EVENTSTORE_CONNECTION_STRING → EventStoreDB, else SQLite in DATA_DIR. */
export async function openEventStore(config: AppConfig): Promise<OpenedEventStore> {
  if (config.eventStoreConnectionString !== undefined) {
    // Loaded only in this mode, so the embedded start does not pay for the gRPC client.
    const { EsdbEventStore, isEventStoreUnavailable } = await import('@lib/eventstore-esdb');
    const store = EsdbEventStore.connect(config.eventStoreConnectionString);
    return { store, mode: 'eventstoredb', checkReady: () => store.ping(), isUnavailableError: isEventStoreUnavailable };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const store = await SqliteEventStore.open({ path: join(config.dataDir, 'events.sqlite') });
  return {
    store,
    mode: 'embedded-sqlite',
    checkReady: async () => {
      await store.readAll({ maxCount: 1 });
    },
    isUnavailableError: () => false,
  };
}
