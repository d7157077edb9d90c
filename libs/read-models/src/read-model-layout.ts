/**
 * The layout version of the read models: what the tables of this release look like, as one string stored with the
 * checkpoint (projection_checkpoint.layout_version) of every generation of tables the stores create.
 *
 * A process that finds the live tables stamped with another version (or with none: tables created before layout
 * versions existed) must not project into them or read reports from them: its statements would name columns and
 * indexes they lack. The embedded API rebuilds them into fresh tables and swaps them in; the Kafka projector refuses to
 * start until `policyctl rebuild` has done so (README, "Read models").
 */
import { createHash } from 'node:crypto';
import { READ_MODEL_TABLES, type TableDefinition } from './read-model-tables';

/**
 * The version of what the projections write. Bump it with any change that makes the rows (or the bookkeeping tables:
 * stream revisions and their folded states, checkpoint, quarantine) differ from what the previous release wrote for
 * the same events, when the table definitions stay the same: a field derived differently, a counter, a new event
 * handled, a bookkeeping column. Changes to READ_MODEL_TABLES change the layout version by themselves.
 */
export const PROJECTION_VERSION = 2;

/**
 * What of a table the layout is made of: its name, columns (name, type, nullability), primary key and secondary
 * indexes (name, columns, predicate). Column and index order in the definition does not matter (the statements name
 * the columns; indexes are a set); the order of the columns within a key or an index does. Storage parameters
 * (fillFactor) and the write mode of counters are not the layout: they need no new tables.
 */
function canonicalTable(definition: TableDefinition<unknown>) {
  const columnOf = (field: string) => definition.columns.find((column) => column.field === field)?.column ?? field;
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    name: definition.name,
    columns: definition.columns
      .map((column) => ({ column: column.column, type: column.type, nullable: column.nullable }))
      .sort((a, b) => byName(a.column, b.column)),
    primaryKey: definition.primaryKey.map((field) => columnOf(field)),
    indexes: definition.indexes
      .map((index) => ({ name: index.name, columns: [...index.columns], where: index.where ?? null }))
      .sort((a, b) => byName(a.name, b.name)),
  };
}

/**
 * `p<projectionVersion>.<16 hex digits>`: the projection version, and the start of the SHA-256 of the canonical JSON of
 * the projection version and every table's layout (tables in name order). The same definitions always give the same
 * version, in every process and on every machine.
 */
export function readModelLayoutVersion(
  tables: Readonly<Record<string, TableDefinition<unknown>>>,
  projectionVersion: number,
): string {
  const canonical = Object.values(tables)
    .map(canonicalTable)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const digest = createHash('sha256')
    .update(JSON.stringify({ projectionVersion, tables: canonical }))
    .digest('hex');
  return `p${projectionVersion}.${digest.slice(0, 16)}`;
}

/** The layout of this release's tables and projections. */
export const READ_MODEL_LAYOUT_VERSION = readModelLayoutVersion(
  READ_MODEL_TABLES as unknown as Readonly<Record<string, TableDefinition<unknown>>>,
  PROJECTION_VERSION,
);
