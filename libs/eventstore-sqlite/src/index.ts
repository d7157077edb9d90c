export { SqliteEventStore, type SqliteEventStoreOptions, type WritabilityChange } from './sqlite-event-store';
export type { GroupCommitStats, WriterFileSettings } from './sqlite-writer';
export { SQLITE_EVENTS_SCHEMA, SQLITE_FILE_PRAGMAS, SQLITE_SCHEMA_VERSION } from './sqlite-file';
