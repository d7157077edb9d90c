/**
 * Chooses the read-model store from configuration (DESIGN 1): PostgreSQL when READ_MODEL_URL is a postgres URL,
 * otherwise the embedded SQLite file under DATA_DIR.
 */
import { DEFAULT_POSTGRES_SCHEMA, PostgresReadModelStore } from './postgres/postgres-read-model-store';
import { type ReadModelStore } from './read-model-store';
import { SqliteReadModelStore } from './sqlite/sqlite-read-model-store';

export interface ReadModelStoreConfig {
  /** READ_MODEL_URL, e.g. `postgres://postgres@127.0.0.1:5432/test`; unset → SQLite. */
  readonly readModelUrl?: string;
  /** READ_MODEL_SCHEMA (PostgreSQL only); default `read_models`. */
  readonly schema?: string;
  /** DATA_DIR (SQLite only); default `./data`. */
  readonly dataDir?: string;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function createReadModelStore(config: ReadModelStoreConfig): Promise<ReadModelStore> {
  if (config.readModelUrl !== undefined) {
    if (!isPostgresUrl(config.readModelUrl)) {
      throw new RangeError('READ_MODEL_URL must be a postgres:// or postgresql:// URL');
    }
    return PostgresReadModelStore.connect({
      url: config.readModelUrl,
      schema: config.schema ?? DEFAULT_POSTGRES_SCHEMA,
    });
  }
  return SqliteReadModelStore.open({ dataDir: config.dataDir });
}
