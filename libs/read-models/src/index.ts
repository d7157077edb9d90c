// Public entry of @lib/read-models: reporting read models (DESIGN 5): pure projections, the store port, and its
// PostgreSQL and SQLite implementations.
export * from './read-model-rows';
export * from './read-model-tables';
export * from './read-model-store';
export * from './projections/projection-event';
export * from './projections/row-changes';
export * from './projections/policy-projection';
export * from './projections/agent-projection';
export * from './projections/project-batch';
export {
  PostgresReadModelStore,
  DEFAULT_POSTGRES_SCHEMA,
  type PostgresReadModelStoreOptions,
} from './postgres/postgres-read-model-store';
export {
  SqliteReadModelStore,
  SQLITE_READ_MODELS_FILE,
  type SqliteReadModelStoreOptions,
} from './sqlite/sqlite-read-model-store';
export * from './create-read-model-store';
export * from './checkpoints';
