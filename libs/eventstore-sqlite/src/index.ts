export { SqliteEventStore } from './sqlite-event-store';
export { SQLITE_EVENTS_SCHEMA, SQLITE_FILE_PRAGMAS } from './sqlite-file';
