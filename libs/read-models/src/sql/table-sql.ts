/**
 * The SQL both stores generate from the table definitions (read-model-tables.ts): table bodies, secondary indexes and
 * upsert assignments. The dialects differ only in their column types and in how they qualify a table name.
 */
import { type ReadModelTable } from '../read-model-rows';
import { READ_MODEL_TABLES, type ColumnType, type TableDefinition } from '../read-model-tables';

/** The dialect's SQL type of each column type. */
export type ColumnTypes = Readonly<Record<ColumnType, string>>;

/** The read-model tables (not the bookkeeping ones: stream revisions, checkpoint, quarantine). */
export const TABLE_DEFINITIONS = Object.values(READ_MODEL_TABLES) as readonly TableDefinition<unknown>[];

export function definitionOf(table: ReadModelTable): TableDefinition<unknown> {
  return READ_MODEL_TABLES[table] as TableDefinition<unknown>;
}

function columnOf(definition: TableDefinition<unknown>, field: string): string {
  const column = definition.columns.find((candidate) => candidate.field === field);
  if (!column) throw new Error(`${definition.name} has no field ${field}`);
  return column.column;
}

export function keyColumnsOf(definition: TableDefinition<unknown>): string[] {
  return definition.primaryKey.map((field) => columnOf(definition, field));
}

/** `column type [NOT NULL], …, PRIMARY KEY (…)`: what goes between the parentheses of CREATE TABLE. */
export function tableBodyDdl(definition: TableDefinition<unknown>, types: ColumnTypes): string {
  const columns = definition.columns.map(
    (column) => `${column.column} ${types[column.type]}${column.nullable ? '' : ' NOT NULL'}`,
  );
  return `${columns.join(', ')}, PRIMARY KEY (${keyColumnsOf(definition).join(', ')})`;
}

interface IndexNaming {
  /** The table as the statement names it (qualified or prefixed). */
  readonly table: string;
  /** Index names are `<indexPrefix>_<index name>`. */
  readonly indexPrefix: string;
  readonly ifNotExists: boolean;
}

/** CREATE INDEX of each secondary index of the table. */
export function indexDdl(definition: TableDefinition<unknown>, naming: IndexNaming): string[] {
  const create = naming.ifNotExists ? 'CREATE INDEX IF NOT EXISTS' : 'CREATE INDEX';
  return definition.indexes.map(
    (index) =>
      `${create} ${naming.indexPrefix}_${index.name} ON ${naming.table} (${index.columns.join(', ')})` +
      (index.where ? ` WHERE ${index.where}` : ''),
  );
}

/**
 * The SET list of `INSERT … ON CONFLICT DO UPDATE`: non-key columns take the new value, counters add it to the stored
 * one (`target` names the stored row).
 */
export function upsertAssignments(definition: TableDefinition<unknown>, target: string): string {
  return definition.columns
    .filter((column) => !definition.primaryKey.includes(column.field as never))
    .map((column) =>
      definition.counters?.includes(column.field as never)
        ? `${column.column} = ${target}.${column.column} + excluded.${column.column}`
        : `${column.column} = excluded.${column.column}`,
    )
    .join(', ');
}
