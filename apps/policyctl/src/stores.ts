/**
 * The stores of the configuration, read from the same environment as the API (DESIGN 1): EVENTSTORE_CONNECTION_STRING
 * → EventStoreDB, else `$DATA_DIR/events.sqlite`; READ_MODEL_URL → PostgreSQL (schema READ_MODEL_SCHEMA), else
 * `$DATA_DIR/read-models.sqlite`. DATA_DIR defaults to `./data`.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { EnvReader } from '@lib/config';
import type { EventStore } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { createReadModelStore, SQLITE_READ_MODELS_FILE, type ReadModelStore } from '@lib/read-models';
import { CliFailure, type CliOutput } from './cli-io';

function dataDirOf(env: NodeJS.ProcessEnv): string {
  const dataDir = new EnvReader(env).string('DATA_DIR') ?? './data';
  return isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir);
}

interface OpenedEventStore {
  readonly store: EventStore;
  /** Where the events are, for messages. */
  readonly description: string;
  /** How many events $all holds, when the store can tell without reading them (SQLite); else undefined. */
  readonly countAll?: () => Promise<number>;
  /** Closes the store (after telling of the foreign events not told yet). */
  readonly close: () => Promise<void>;
}

/**
 * @param stderr where other applications' events passed over on a shared EventStoreDB are told: at most one line a
 * minute, with the count.
 */
export async function openEventStore(env: NodeJS.ProcessEnv, stderr: CliOutput): Promise<OpenedEventStore> {
  const connectionString = new EnvReader(env).string('EVENTSTORE_CONNECTION_STRING');
  if (connectionString !== undefined) {
    if (!/^esdb(\+discover)?:\/\/\S+$/.test(connectionString)) {
      throw new CliFailure('EVENTSTORE_CONNECTION_STRING must be an EventStoreDB URL (esdb://host:2113?tls=false)');
    }
    const { EsdbEventStore, ForeignEventReporter } = await import('@lib/eventstore-esdb');
    const foreignEvents = new ForeignEventReporter(({ count, total, first }) =>
      stderr.write(
        `\npolicyctl: passed over ${count} event(s) that are not of this application (${total} in all; another ` +
          `application writes to the shared EventStoreDB), e.g. ${first.streamId}@${first.revision} ` +
          `(${first.type}): ${first.reason}\n`,
      ),
    );
    const store = EsdbEventStore.connect(connectionString, { onForeignEvent: foreignEvents.onForeignEvent });
    return {
      store,
      description: `EventStoreDB ${connectionString.replace(/\/\/[^@/]*@/, '//…@')}`,
      close: async () => {
        foreignEvents.flush();
        await store.close();
      },
    };
  }
  const path = join(dataDirOf(env), 'events.sqlite');
  // Opening would create an empty store: a wrong DATA_DIR must not look like a store without policies.
  if (!existsSync(path))
    throw new CliFailure(`no event store at ${path} (set DATA_DIR or EVENTSTORE_CONNECTION_STRING)`);
  const store = await SqliteEventStore.open({ path });
  return { store, description: path, countAll: () => store.countAll(), close: () => store.close() };
}

/**
 * @param mustExist for commands that only read them: embedded read models that are not there are an error (a wrong
 * DATA_DIR), not an empty store to create.
 */
export async function openReadModelStore(env: NodeJS.ProcessEnv, mustExist = false): Promise<ReadModelStore> {
  const read = new EnvReader(env);
  const config = { readModelUrl: read.string('READ_MODEL_URL'), schema: read.string('READ_MODEL_SCHEMA') };
  const embedded = join(dataDirOf(env), SQLITE_READ_MODELS_FILE);
  if (mustExist && config.readModelUrl === undefined && !existsSync(embedded)) {
    throw new CliFailure(`no read models at ${embedded} (set DATA_DIR or READ_MODEL_URL)`);
  }
  try {
    return await createReadModelStore({ ...config, dataDir: dataDirOf(env) });
  } catch (error) {
    throw new CliFailure(`cannot open the read models: ${error instanceof Error ? error.message : String(error)}`);
  }
}
