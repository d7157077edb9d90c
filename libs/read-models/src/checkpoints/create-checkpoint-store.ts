/** Chooses the checkpoint store: PostgreSQL for a postgres:// URL, otherwise a SQLite file. */
import { isPostgresUrl } from '../create-read-model-store';
import { type CheckpointStore } from './checkpoint-store';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';

export const DEFAULT_CHECKPOINT_SCHEMA = 'subscription_checkpoints';
export const SQLITE_RELAY_CHECKPOINT_FILE = 'relay-checkpoint.sqlite';

export type CheckpointStoreConfig =
  | {
      readonly kind: 'postgres';
      /** `postgres://…` (READ_MODEL_URL). */
      readonly url: string;
      /** Default `subscription_checkpoints`. */
      readonly schema?: string;
    }
  | {
      readonly kind: 'sqlite';
      /** The database file, e.g. `$DATA_DIR/relay-checkpoint.sqlite`; its folder is created when missing. */
      readonly path: string;
    };

export async function createCheckpointStore(config: CheckpointStoreConfig): Promise<CheckpointStore> {
  if (config.kind === 'postgres') {
    if (!isPostgresUrl(config.url)) throw new RangeError('The checkpoint store URL must be a postgres:// URL');
    return PostgresCheckpointStore.connect({ url: config.url, schema: config.schema ?? DEFAULT_CHECKPOINT_SCHEMA });
  }
  return SqliteCheckpointStore.open({ path: config.path });
}
