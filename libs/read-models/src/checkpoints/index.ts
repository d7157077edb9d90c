// Durable checkpoints of catch-up subscriptions (the event relay's position in $all).
export * from './checkpoint-store';
export * from './create-checkpoint-store';
export { PostgresCheckpointStore, type PostgresCheckpointStoreOptions } from './postgres-checkpoint-store';
export { SqliteCheckpointStore, type SqliteCheckpointStoreOptions } from './sqlite-checkpoint-store';
