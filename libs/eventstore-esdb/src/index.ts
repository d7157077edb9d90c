export { EsdbEventStore, type EsdbEventStoreOptions, type ForeignEvent } from './esdb-event-store';
export { EsdbSubscriptionError, type ResubscribeOptions } from './esdb-subscription';
export { ForeignEventReporter, type ForeignEventsReport } from './foreign-event-reporter';
/** Whether an error from the store means "EventStoreDB is unreachable right now" (e.g. for a 503). */
export { isTransientError as isEventStoreUnavailable } from './esdb-mapping';
