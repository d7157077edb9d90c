import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreUnavailableError, type EventStore } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { UnavailabilityLog } from './unavailability-log';

export interface OpenedEventStore {
  readonly store: EventStore;
  readonly mode: 'embedded-sqlite' | 'eventstoredb';
  /** Resolves when the store answers a read; rejects with the reason otherwise. */
  readonly checkReady: () => Promise<void>;
  /**
   * Readiness (DESIGN 3 and 7): resolves when the store takes writes; rejects with the reason otherwise. Cheap enough
   * for every probe: SQLite writes only to find out whether a refused write would go through now (at most once a
   * second), EventStoreDB is pinged (a read of the head of $all: the server answers).
   */
  readonly checkWritable: () => Promise<void>;
  /** Calls `listener` whenever the store starts refusing writes or takes them again; returns the unsubscribe. */
  readonly onWritabilityChange: (listener: (writable: boolean) => void) => () => void;
  /** Whether an error means the store cannot serve right now (answered 503 rather than 500). */
  readonly isUnavailableError: (error: unknown) => boolean;
  /** Where "cannot serve now" is logged: one warn line per reason, repeats counted (see UnavailabilityLog). */
  readonly unavailability: UnavailabilityLog;
  /**
   * Events of other applications on a shared EventStoreDB that reads of $all passed over (for /metrics; logged as a
   * warning, at most one line a minute with the count); 0 on the embedded store, which has no other writers.
   */
  readonly foreignEventsPassedOver: () => number;
}

interface OpenEventStoreOptions {
  readonly logger: Logger;
  /**
   * Caps the embedded store's file at this many pages (SQLite `max_page_count`): beyond it appends are refused as on
   * a full disk. The e2e tests fill the "disk" with it; unset in production.
   */
  readonly sqliteMaxPageCount?: number;
}

/**
 * Store selection is configuration only: EVENTSTORE_CONNECTION_STRING → EventStoreDB, else SQLite in DATA_DIR.
 * The embedded store opens on a full disk too (reads served, writes refused with 503 until they go through again):
 * the start says so in one warn line.
 */
export async function openEventStore(config: AppConfig, options: OpenEventStoreOptions): Promise<OpenedEventStore> {
  const unavailability = new UnavailabilityLog(options.logger);
  const listeners = new Set<(writable: boolean) => void>();
  const onWritabilityChange = (listener: (writable: boolean) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  if (config.eventStoreConnectionString !== undefined) {
    // Loaded only in this mode, so the embedded start does not pay for the gRPC client.
    const { EsdbEventStore, ForeignEventReporter, isEventStoreUnavailable } = await import('@lib/eventstore-esdb');
    const foreignEvents = new ForeignEventReporter(({ count, total, first }) =>
      options.logger.warn(
        {
          passedOver: count,
          total,
          example: `${first.streamId}@${first.revision} (${first.type}): ${first.reason}`,
        },
        'EventStoreDB: passed over events that are not of this application (another application writes to the ' +
          'shared server); the read side carries on without them',
      ),
    );
    const store = EsdbEventStore.connect(config.eventStoreConnectionString, {
      onForeignEvent: foreignEvents.onForeignEvent,
    });
    return {
      store,
      mode: 'eventstoredb',
      checkReady: () => store.ping(),
      checkWritable: () => store.ping(),
      onWritabilityChange,
      isUnavailableError: (error) => error instanceof EventStoreUnavailableError || isEventStoreUnavailable(error),
      unavailability,
      foreignEventsPassedOver: () => store.foreignEventsPassedOver,
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const store = await SqliteEventStore.open({
    path: join(config.dataDir, 'events.sqlite'),
    maxPageCount: options.sqliteMaxPageCount,
    onWritabilityChange: (change) => {
      if (change.writable) unavailability.recovered();
      else unavailability.report(change.refusal);
      for (const listener of listeners) listener(change.writable);
    },
  });
  // Finds out at once whether this start is read-only (a full disk): the refusal is logged by the listener above.
  await store.checkWritable().catch(() => undefined);
  return {
    store,
    mode: 'embedded-sqlite',
    checkReady: async () => {
      await store.readAll({ maxCount: 1 });
    },
    checkWritable: () => store.checkWritable(),
    onWritabilityChange,
    isUnavailableError: (error) => error instanceof EventStoreUnavailableError,
    unavailability,
    foreignEventsPassedOver: () => 0,
  };
}
