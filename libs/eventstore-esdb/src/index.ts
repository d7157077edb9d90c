export { EsdbEventStore } from './esdb-event-store';
export { ForeignEventReporter } from './foreign-event-reporter';
/** Whether an error from the store means "EventStoreDB is unreachable right now" (e.g. for a 503). */
export { isTransientError as isEventStoreUnavailable } from './esdb-mapping';
