// Public entry of @lib/read-models: reporting read models (DESIGN 5): their rows, the store port (which projects the
// events it is given), its PostgreSQL and SQLite implementations, and the checkpoint stores.
export * from './read-model-rows';
export * from './read-model-store';
export * from './projections/projection-event';
export { PostgresReadModelStore } from './postgres/postgres-read-model-store';
export { SqliteReadModelStore, SQLITE_READ_MODELS_FILE } from './sqlite/sqlite-read-model-store';
export * from './create-read-model-store';
export { rebuildFromLog } from './rebuild-from-log';
export { readModelPipeline } from './read-model-feed';
export * from './checkpoints';
