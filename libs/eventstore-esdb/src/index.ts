export { EsdbEventStore, type EsdbEventStoreOptions } from './esdb-event-store';
export { type ResubscribeOptions } from './esdb-subscription';
/** Whether an error from the store means "EventStoreDB is unreachable right now" (e.g. for a 503). */
export { isTransientError as isEventStoreUnavailable } from './esdb-mapping';
