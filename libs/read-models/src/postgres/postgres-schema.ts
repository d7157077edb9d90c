/**
 * The DDL of one generation of the read-model tables: every table lives in one schema (the live one, default
 * `read_models`, or a rebuild's `<schema>__rebuild_<id>`).
 */
import { type Pool } from 'pg';
import { READ_MODEL_LAYOUT_VERSION } from '../read-model-layout';
import { ALL_TABLE_NAMES, CHECKPOINT_TABLE, QUARANTINE_TABLE, STREAM_REVISIONS_TABLE } from '../read-model-tables';
import { checkIdentifier } from '../sql/sql-text';
import { indexDdl, TABLE_DEFINITIONS, tableBodyDdl, type ColumnTypes } from '../sql/table-sql';
import { inTransaction } from './postgres-transaction';

/** Leaves room for the rebuild suffix `__rebuild_<id>` within PostgreSQL's 63-character identifiers. */
const MAX_SCHEMA_LENGTH = 40;

const PG_COLUMN_TYPES: ColumnTypes = {
  text: 'text COLLATE "C"',
  integer: 'integer',
  bigint: 'bigint',
  date: 'date',
  boolean: 'boolean',
};

/** The schema name of the live tables, checked. */
export function checkSchemaName(schema: string): string {
  checkIdentifier('Read-model schema', schema);
  if (schema.length > MAX_SCHEMA_LENGTH) {
    throw new RangeError(`Read-model schema names are at most ${MAX_SCHEMA_LENGTH} characters`);
  }
  return schema;
}

/** `name` qualified by its schema. */
export type QualifiedTable = (name: string) => string;

export function tablesOf(schema: string): QualifiedTable {
  return (name) => `"${schema}".${name}`;
}

interface SchemaLayout {
  /** Rebuilds: secondary indexes are created once the tables are full (`secondaryIndexDdl`). */
  readonly deferIndexes?: boolean;
}

/** The secondary indexes of every table, or of the one named. */
export function secondaryIndexDdl(schema: string, table?: string): string[] {
  return TABLE_DEFINITIONS.filter((definition) => table === undefined || definition.name === table).flatMap(
    (definition) =>
      indexDdl(definition, {
        table: tablesOf(schema)(definition.name),
        indexPrefix: definition.name,
        ifNotExists: true,
      }),
  );
}

function schemaDdl(schema: string, layout: SchemaLayout): string[] {
  const q = tablesOf(schema);
  const create = 'CREATE TABLE IF NOT EXISTS';
  const statements = [`CREATE SCHEMA IF NOT EXISTS "${schema}"`];
  for (const definition of TABLE_DEFINITIONS) {
    const storage = definition.fillFactor ? ` WITH (fillfactor = ${definition.fillFactor})` : '';
    statements.push(`${create} ${q(definition.name)} (${tableBodyDdl(definition, PG_COLUMN_TYPES)})${storage}`);
  }
  if (!layout.deferIndexes) statements.push(...secondaryIndexDdl(schema));
  statements.push(
    // Stream states stay inline and uncompressed: TOAST chunking and pglz cost more than the bytes they would save
    // (they are compact, a few hundred bytes, and rewritten by every batch that touches the stream).
    `${create} ${q(STREAM_REVISIONS_TABLE)} (` +
      `stream_id text COLLATE "C" PRIMARY KEY, revision integer NOT NULL, folded_state text NOT NULL) ` +
      `WITH (toast_tuple_target = 8160, fillfactor = 80)`,
    `ALTER TABLE ${q(STREAM_REVISIONS_TABLE)} ALTER COLUMN folded_state SET STORAGE EXTERNAL`,
    // One row per checkpoint lane (postgres-table-writer); lane 1 always exists and carries the layout stamp.
    `${create} ${q(CHECKPOINT_TABLE)} (id integer PRIMARY KEY CHECK (id >= 1), ` +
      `position text COLLATE "C", last_recorded_at text, events_applied bigint NOT NULL DEFAULT 0, layout_version text)`,
    `INSERT INTO ${q(CHECKPOINT_TABLE)} (id) VALUES (1) ON CONFLICT (id) DO NOTHING`,
    `${create} ${q(QUARANTINE_TABLE)} (stream_id text COLLATE "C" PRIMARY KEY, revision integer NOT NULL, ` +
      `event_type text NOT NULL, position text COLLATE "C" NOT NULL, reason text NOT NULL, quarantined_at text NOT NULL)`,
  );
  return statements;
}

/**
 * Creates the schema and its tables where missing. A new generation (none of its tables existed) is stamped with the
 * current layout; tables that existed keep their stamp, or none when they are older than layout versions.
 */
export function createSchema(pool: Pool, schema: string, layout: SchemaLayout = {}): Promise<void> {
  return inTransaction(pool, async (client) => {
    // Two processes starting at once would race on CREATE … IF NOT EXISTS (unique violations in the catalog).
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`read-models:${schema}`]);
    const { rowCount } = await client.query(
      `SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = ANY($2::text[])`,
      [schema, ALL_TABLE_NAMES],
    );
    for (const statement of schemaDdl(schema, layout)) await client.query(statement);
    if ((rowCount ?? 0) === 0) {
      await client.query(`UPDATE ${tablesOf(schema)(CHECKPOINT_TABLE)} SET layout_version = $1 WHERE id = 1`, [
        READ_MODEL_LAYOUT_VERSION,
      ]);
    }
  });
}

/** Drops a generation's schema and everything in it. */
export async function dropSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
