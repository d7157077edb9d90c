export { SqliteEventStore, type RawAllSubscription, type SqliteEventStoreOptions } from './sqlite-event-store';
export type { GroupCommitStats, WriterFileSettings } from './sqlite-writer';
export { SQLITE_EVENTS_SCHEMA, SQLITE_FILE_PRAGMAS } from './sqlite-file';
