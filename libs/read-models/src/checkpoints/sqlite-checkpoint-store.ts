import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { type Position } from '@lib/event-sourcing';
import { type CheckpointStore } from './checkpoint-store';

interface SqliteCheckpointStoreOptions {
  readonly path: string;
}

/** Embedded mode: a small file of its own beside events.sqlite; every save is an fsync'd commit. */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly selectPosition: StatementSync;
  private readonly upsertPosition: StatementSync;

  private constructor(private readonly database: DatabaseSync) {
    this.selectPosition = database.prepare('SELECT position FROM checkpoints WHERE name = ?');
    this.upsertPosition = database.prepare(
      'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at ' +
        'WHERE checkpoints.position < excluded.position',
    );
  }

  static async open(options: SqliteCheckpointStoreOptions): Promise<SqliteCheckpointStore> {
    const path = resolve(options.path);
    mkdirSync(dirname(path), { recursive: true });
    const database = new DatabaseSync(path);
    try {
      database.exec(`
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA busy_timeout = 10000;
        CREATE TABLE IF NOT EXISTS checkpoints (
          name       TEXT PRIMARY KEY,
          position   TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
      `);
    } catch (error) {
      database.close();
      throw error;
    }
    return new SqliteCheckpointStore(database);
  }

  async load(name: string): Promise<Position | null> {
    const row = this.selectPosition.get(name) as { position: string } | undefined;
    return row?.position ?? null;
  }

  async save(name: string, position: Position): Promise<void> {
    // Not a clock read of the domain: when the row was written, for operators.
    this.upsertPosition.run(name, position, new Date().toISOString());
  }

  async close(): Promise<void> {
    if (this.database.isOpen) this.database.close();
  }
}
