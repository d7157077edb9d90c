import { Pool } from 'pg';
import { type Position } from '@lib/event-sourcing';
import { checkIdentifier } from '../sql/sql-text';
import { type CheckpointStore } from './checkpoint-store';

interface PostgresCheckpointStoreOptions {
  readonly url: string;
  readonly schema: string;
}

/** One row per subscription in `<schema>.checkpoints`; positions compare as plain strings (COLLATE "C"). */
export class PostgresCheckpointStore implements CheckpointStore {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  static async connect(options: PostgresCheckpointStoreOptions): Promise<PostgresCheckpointStore> {
    checkIdentifier('Checkpoint schema', options.schema);
    const pool = new Pool({ connectionString: options.url, max: 1 });
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Concurrent first starts would race on CREATE … IF NOT EXISTS in the catalog.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`checkpoints:${options.schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS "${options.schema}".checkpoints (name text COLLATE "C" PRIMARY KEY, ` +
            `position text COLLATE "C" NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresCheckpointStore(pool, `"${options.schema}".checkpoints`);
  }

  async load(name: string): Promise<Position | null> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.table} WHERE name = $1`, [
      name,
    ]);
    return rows[0]?.position ?? null;
  }

  async save(name: string, position: Position): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} AS saved (name, position) VALUES ($1, $2) ` +
        `ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now() ` +
        `WHERE saved.position < EXCLUDED.position`,
      [name, position],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
