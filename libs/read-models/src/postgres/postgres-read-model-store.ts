/**
 * The PostgreSQL read-model store (production). libs/read-models is the only importer of `pg` (here and in the
 * PostgreSQL checkpoint store).
 *
 * Layout: every table of one read-model generation lives in one schema (default `read_models`). `applyBatch` runs one
 * transaction per batch: it reads the batch's rows of projection_stream_revisions, projects the events newer than
 * each stream's last applied revision, records the streams' new revisions and folded states (only where the stored
 * revision is still the one read), writes every table's merged changes with multi-row statements, and advances the
 * checkpoint. A second projector instance writing the same stream meanwhile
 * makes that revision check fail: the batch rolls back and is retried on the newer state.
 *
 * Rebuild: the fresh generation is built in schema `<schema>__rebuild_<id>`; completing it locks the live tables,
 * checks the rebuild has caught up with the live checkpoint, and renames the schemas in one transaction (the old one
 * becomes `<schema>__retired_<id>`, dropped afterwards unless kept).
 *
 * Layout: a new schema's tables, and a rebuild's, are stamped with the current layout version in the checkpoint row
 * (layout_version); connecting leaves an existing schema's stamp as it is (`layout()` tells an older one).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Pool, types as pgTypes, type PoolClient, type QueryResultRow } from 'pg';
import { comparePositions, type RecordedEvent } from '@lib/event-sourcing';
import {
  decodeBatch,
  projectBatch,
  type BatchProjection,
  type CheckpointAdvance,
  type DecodedBatch,
  type StreamProgress,
} from '../projections/project-batch';
import { recordedAtOf } from '../projections/projection-event';
import { ChangeSet } from '../projections/row-changes';
import {
  RebuildBehindLiveError,
  type ApplyBatchResult,
  type CompleteRebuildOptions,
  type QuarantinedEvent,
  type QuarantinedStream,
  type QuarantinedStreamsQuery,
  type QuarantineOptions,
  type ReadModelCheckpoint,
  type ReadModelLayout,
  type ReadModelStore,
  type RebuildingReadModelStore,
  type ReportPage,
} from '../read-model-store';
import { type PolicySummaryRow, type ReadModelTable } from '../read-model-rows';
import {
  ALL_TABLE_NAMES,
  CHECKPOINT_TABLE,
  QUARANTINE_TABLE,
  READ_MODEL_TABLES,
  STREAM_REVISIONS_TABLE,
  type ColumnType,
  type TableDefinition,
} from '../read-model-tables';
import * as queries from '../sql/report-queries';
import { SqlReportReader } from '../sql/sql-report-reader';
import { checkIdentifier, newRebuildId, toPositional } from '../sql/sql-text';
import { StateCache } from '../state-cache';
import { decodeStreamState, encodeStreamState } from '../projections/projection-state';
import { READ_MODEL_LAYOUT_VERSION } from '../read-model-layout';

export const DEFAULT_POSTGRES_SCHEMA = 'read_models';
/** Leaves room for the rebuild suffix `__rebuild_<id>` within PostgreSQL's 63-character identifiers. */
const MAX_SCHEMA_LENGTH = 40;
/** Rebuilds: sort memory of each index build (several run at once), instead of the server default (often 64 MB). */
const MAINTENANCE_WORK_MEM = '128MB';
/**
 * Rebuilds: ANALYZE samples 300 × this many rows per table. 30 instead of the default 100 makes it ~4× cheaper on
 * large tables (it is on the swap's critical path) and still gives the planner row counts, null fractions and coarse
 * histograms; autovacuum's later ANALYZE (server defaults) refines them as the live projector writes.
 */
const REBUILD_STATISTICS_TARGET = 30;

interface PostgresReadModelStoreOptions {
  /** `postgres://user@host:5432/database` (READ_MODEL_URL). */
  readonly url: string;
  /** Schema of the live tables; default `read_models`. Tests use their own. */
  readonly schema?: string;
  /** Connections; default 4. */
  readonly poolSize?: number;
  /** Folded stream states kept in memory between batches (saves reading them back); default 20 000. */
  readonly stateCacheSize?: number;
  /** Rebuilds: stream states held in memory (beyond, the least recently used ones are read back); default 200 000. */
  readonly rebuildStateCapacity?: number;
  /** Rebuilds: merged row changes and states buffered before they are written; default 50 000. */
  readonly rebuildFlushRows?: number;
}

interface RebuildTuning {
  readonly stateCapacity: number;
  readonly flushRows: number;
}

const PG_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text COLLATE "C"',
  integer: 'integer',
  bigint: 'bigint',
  date: 'date',
  boolean: 'boolean',
};

const CAST_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  date: 'date',
  boolean: 'boolean',
};

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

/** Money and counts fit in safe integers; dates stay `YYYY-MM-DD` strings (no time-zone shifts through JS Date). */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    if (oid === DATE_OID) return (value: string) => value;
    return format === 'binary' ? pgTypes.getTypeParser(oid, 'binary') : pgTypes.getTypeParser(oid, 'text');
  }) as typeof pgTypes.getTypeParser,
};

/** Serialisation failure, deadlock, or two writers creating the same stream's progress: run the batch again. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

class ConcurrentStreamWriteError extends Error {
  override readonly name = 'ConcurrentStreamWriteError';
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ConcurrentStreamWriteError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

function columnOf(definition: TableDefinition<unknown>, field: string): string {
  const column = definition.columns.find((candidate) => candidate.field === field);
  if (!column) throw new Error(`${definition.name} has no field ${field}`);
  return column.column;
}

interface SchemaLayout {
  /** Rebuilds: secondary indexes are created once the tables are full (`secondaryIndexDdl`). */
  readonly deferIndexes?: boolean;
}

function secondaryIndexDdl(schema: string, table?: string): string[] {
  const statements: string[] = [];
  for (const definition of Object.values(READ_MODEL_TABLES) as TableDefinition<unknown>[]) {
    if (table !== undefined && definition.name !== table) continue;
    for (const index of definition.indexes) {
      statements.push(
        `CREATE INDEX IF NOT EXISTS ${definition.name}_${index.name} ON "${schema}".${definition.name} (${index.columns.join(', ')})` +
          (index.where ? ` WHERE ${index.where}` : ''),
      );
    }
  }
  return statements;
}

function schemaDdl(schema: string, layout: SchemaLayout = {}): string[] {
  const q = (table: string) => `"${schema}".${table}`;
  const create = 'CREATE TABLE IF NOT EXISTS';
  const statements = [`CREATE SCHEMA IF NOT EXISTS "${schema}"`];
  for (const definition of Object.values(READ_MODEL_TABLES) as TableDefinition<unknown>[]) {
    const columns = definition.columns.map(
      (column) => `${column.column} ${PG_COLUMN_TYPES[column.type]}${column.nullable ? '' : ' NOT NULL'}`,
    );
    const primaryKey = definition.primaryKey.map((field) => columnOf(definition, field)).join(', ');
    const storage = definition.fillFactor ? ` WITH (fillfactor = ${definition.fillFactor})` : '';
    statements.push(`${create} ${q(definition.name)} (${columns.join(', ')}, PRIMARY KEY (${primaryKey}))${storage}`);
  }
  if (!layout.deferIndexes) statements.push(...secondaryIndexDdl(schema));
  statements.push(
    // Stream states stay inline and uncompressed: TOAST chunking and pglz cost more than the bytes they would save
    // (they are compact, a few hundred bytes, and rewritten by every batch that touches the stream).
    `${create} ${q(STREAM_REVISIONS_TABLE)} (` +
      `stream_id text COLLATE "C" PRIMARY KEY, revision integer NOT NULL, folded_state text NOT NULL) ` +
      `WITH (toast_tuple_target = 8160, fillfactor = 80)`,
    `ALTER TABLE ${q(STREAM_REVISIONS_TABLE)} ALTER COLUMN folded_state SET STORAGE EXTERNAL`,
    `${create} ${q(CHECKPOINT_TABLE)} (id integer PRIMARY KEY CHECK (id = 1), ` +
      `position text COLLATE "C", last_recorded_at text, events_applied bigint NOT NULL DEFAULT 0, layout_version text)`,
    `INSERT INTO ${q(CHECKPOINT_TABLE)} (id) VALUES (1) ON CONFLICT (id) DO NOTHING`,
    `${create} ${q(QUARANTINE_TABLE)} (stream_id text COLLATE "C" PRIMARY KEY, revision integer NOT NULL, ` +
      `event_type text NOT NULL, position text COLLATE "C" NOT NULL, reason text NOT NULL, quarantined_at text NOT NULL)`,
  );
  return statements;
}

/** Runs `work` in one transaction on a pooled connection (rolled back if it throws). */
async function inTransaction<Result = void>(
  pool: Pool,
  work: (client: PoolClient) => Promise<Result>,
): Promise<Result> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Creates the schema and its tables where missing. A new generation (none of its tables existed) is stamped with the
 * current layout; tables that existed keep their stamp, or none when they are older than layout versions.
 */
function createSchema(pool: Pool, schema: string, layout: SchemaLayout = {}): Promise<void> {
  return inTransaction(pool, async (client) => {
    // Two processes starting at once would race on CREATE … IF NOT EXISTS (unique violations in the catalog).
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`read-models:${schema}`]);
    const { rowCount } = await client.query(
      `SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = ANY($2::text[])`,
      [schema, ALL_TABLE_NAMES],
    );
    for (const statement of schemaDdl(schema, layout)) await client.query(statement);
    if ((rowCount ?? 0) === 0) {
      await client.query(`UPDATE "${schema}".${CHECKPOINT_TABLE} SET layout_version = $1 WHERE id = 1`, [
        READ_MODEL_LAYOUT_VERSION,
      ]);
    }
  });
}

/** A statement and its parameters. */
interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/** Rows per statement: bounds the size of one message (a rebuild flush writes many thousand rows per table). */
const ROWS_PER_STATEMENT = 20_000;

function chunks<Item>(items: readonly Item[]): Item[][] {
  const result: Item[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) {
    result.push(items.slice(start, start + ROWS_PER_STATEMENT));
  }
  return result;
}

/**
 * One array parameter per column (`unnest($1::text[], $2::integer[], …)`), in `fields` order, each already as
 * PostgreSQL array text (`arrayLiteral`).
 */
function columnArrays(rows: readonly object[], fields: readonly string[]): unknown[] {
  const arrays = fields.map(() => new Array<unknown>(rows.length));
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Record<string, unknown>;
    for (let column = 0; column < fields.length; column++) arrays[column]![index] = row[fields[column]!] ?? null;
  }
  return arrays.map(arrayLiteral);
}

const NEEDS_ESCAPE = /["\\]/;

/**
 * A one-dimensional array of scalars as PostgreSQL array text (`{"a","b\\"c",NULL,12,true}`), for a `$n::type[]`
 * parameter. Cheaper than letting the driver serialise the array, which escapes every element with two regular
 * expressions (measured: ~0.3 CPU-s less in Node per 220 000-event rebuild). Other values are left to the driver.
 */
export function arrayLiteral(values: readonly unknown[]): string | readonly unknown[] {
  let text = '{';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) text += ',';
    const value = values[index];
    if (value === null || value === undefined) text += 'NULL';
    else if (typeof value === 'string') {
      text += NEEDS_ESCAPE.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : `"${value}"`;
    } else if (typeof value === 'number' && Number.isFinite(value)) text += String(value);
    else if (typeof value === 'boolean') text += value ? 't' : 'f';
    else return values;
  }
  return `${text}}`;
}

/**
 * Stream states travel as one text, separated by RS (U+001E, which JSON always escapes): as a text[] parameter each
 * state's many quotes would be backslash-escaped by the driver and unescaped by PostgreSQL.
 */
const STATE_SEPARATOR = '\u001e';
const STATES_PARAMETER = (parameter: string) => `string_to_array(${parameter}::text, E'\\x1e')`;

function joinStates(states: readonly string[]): string {
  return states.join(STATE_SEPARATOR);
}

interface TableWriter {
  upserts(rows: readonly object[]): Statement[];
  deletes(keys: readonly object[]): Statement[];
}

/**
 * Row changes travel as one array per column (unnest): a fixed number of parameters whatever the row count, so the
 * statement text never changes, and PostgreSQL parses arrays faster than the JSON of json_to_recordset (measured
 * ~20 % faster for premium_installments) or a VALUES list with thousands of parameters (~3× faster).
 */
function tableWriter(schema: string, definition: TableDefinition<unknown>): TableWriter {
  const table = `"${schema}".${definition.name}`;
  const arrays = (fields: readonly string[]) =>
    fields
      .map((field, index) => {
        const column = definition.columns.find((candidate) => candidate.field === field)!;
        return `$${index + 1}::${CAST_TYPES[column.type]}[]`;
      })
      .join(', ');
  const fields = definition.columns.map((column) => column.field);
  const columns = definition.columns.map((column) => column.column);
  const keyColumns = definition.primaryKey.map((field) => columnOf(definition, field));
  const set = definition.columns
    .filter((column) => !definition.primaryKey.includes(column.field as never))
    .map((column) =>
      definition.counters?.includes(column.field as never)
        ? `${column.column} = target.${column.column} + EXCLUDED.${column.column}`
        : `${column.column} = EXCLUDED.${column.column}`,
    )
    .join(', ');
  const upsert =
    `INSERT INTO ${table} AS target (${columns.join(', ')}) SELECT * FROM unnest(${arrays(fields)}) ` +
    `ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${set}`;
  const remove =
    `DELETE FROM ${table} AS target USING unnest(${arrays(definition.primaryKey)}) AS x(${keyColumns.join(', ')}) ` +
    `WHERE ${keyColumns.map((column) => `target.${column} = x.${column}`).join(' AND ')}`;
  return {
    upserts: (rows) => chunks(rows).map((chunk) => ({ text: upsert, values: columnArrays(chunk, fields) })),
    deletes: (keys) =>
      chunks(keys).map((chunk) => ({ text: remove, values: columnArrays(chunk, definition.primaryKey) })),
  };
}

interface CheckpointRow extends QueryResultRow {
  position: string | null;
  last_recorded_at: string | null;
  events_applied: number;
  quarantined_streams?: number;
}

function toCheckpoint(row: CheckpointRow | undefined): ReadModelCheckpoint {
  return {
    position: row?.position ?? null,
    lastRecordedAt: row?.last_recorded_at ?? null,
    eventsApplied: Number(row?.events_applied ?? 0),
    quarantinedStreams: Number(row?.quarantined_streams ?? 0),
  };
}

const QUARANTINE_COLUMNS =
  'stream_id AS "streamId", revision, event_type AS "eventType", position, reason, quarantined_at AS "quarantinedAt"';

/** Reads and writes one generation of the read-model tables (one schema). */
abstract class PostgresReadModelTables extends SqlReportReader {
  private readonly writers = new Map<ReadModelTable, TableWriter>();
  private readonly stateCache: StateCache;
  protected closed = false;

  protected constructor(
    protected readonly pool: Pool,
    protected readonly schema: string,
    stateCacheSize: number,
    private readonly durableCommits: boolean,
  ) {
    super();
    this.stateCache = new StateCache(stateCacheSize);
  }

  protected override readonly table = (name: string): string => `"${this.schema}".${name}`;

  protected assertOpen(): void {
    if (this.closed) throw new Error(`Read-model store on schema ${this.schema} is closed`);
  }

  async applyBatch(events: readonly RecordedEvent[]): Promise<ApplyBatchResult> {
    this.assertOpen();
    const batch = decodeBatch(events);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyOnce(batch);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  private async applyOnce(batch: DecodedBatch): Promise<ApplyBatchResult> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A rebuild is made durable by its (synchronous) swap commit; until then a crash just means starting over.
      if (!this.durableCommits) await client.query('SET LOCAL synchronous_commit = off');
      const progress = await this.readProgress(client, batch.streamIds);
      const quarantined = await this.quarantinedAmong(client, batch.streamIds);
      const projection = projectBatch(
        batch,
        (streamId) => progress.get(streamId),
        (streamId) => quarantined.get(streamId),
      );
      await this.release(client, projection.released);
      await this.writeProgress(client, projection, progress);
      await this.writeChanges(client, projection.changes);
      const checkpoint =
        projection.checkpoint === null
          ? await this.readCheckpoint(client)
          : await this.advanceCheckpoint(client, projection.checkpoint, projection.applied);
      await client.query('COMMIT');
      for (const [streamId, advanced] of projection.advanced) this.stateCache.set(streamId, advanced);
      const { applied, skipped, ignored } = projection;
      return { applied, skipped, ignored, quarantined: projection.quarantined, checkpoint };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The quarantined streams of a batch with their quarantined revision (usually none: an index probe per id). */
  private async quarantinedAmong(client: PoolClient, streamIds: readonly string[]): Promise<Map<string, number>> {
    if (streamIds.length === 0) return new Map();
    const { rows } = await client.query<{ stream_id: string; revision: number }>(
      `SELECT stream_id, revision FROM ${this.table(QUARANTINE_TABLE)} WHERE stream_id = ANY($1::text[])`,
      [streamIds],
    );
    return new Map(rows.map((row) => [row.stream_id, row.revision]));
  }

  /** Lifts the quarantine of streams whose quarantined revision applied. */
  protected async release(client: Pool | PoolClient, streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    await client.query(`DELETE FROM ${this.table(QUARANTINE_TABLE)} WHERE stream_id = ANY($1::text[])`, [streamIds]);
  }

  async quarantineStream(event: QuarantinedEvent, reason: string, options: QuarantineOptions = {}): Promise<boolean> {
    this.assertOpen();
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, async (client) => {
          // The stream's progress row first, locked: the lock order of applyBatch and of the rebuild's swap (no
          // deadlock), and a writer applying this revision right now is waited for and then seen.
          const { rows } = await client.query<{ revision: number }>(
            `SELECT revision FROM ${this.table(STREAM_REVISIONS_TABLE)} WHERE stream_id = $1 FOR UPDATE`,
            [event.streamId],
          );
          if (rows.length > 0 && rows[0].revision >= event.revision) return false;
          const { text, values } = this.quarantineInsert(event, reason);
          const { rowCount } = await client.query(text, values);
          if (options.moveCheckpoint) {
            await this.advanceCheckpoint(client, { position: event.position, recordedAt: recordedAtOf(event) }, 0);
          }
          return (rowCount ?? 0) > 0;
        });
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  /** Records the quarantine (the first one of a stream stays). */
  protected quarantineInsert(event: QuarantinedEvent, reason: string): Statement {
    return {
      text:
        `INSERT INTO ${this.table(QUARANTINE_TABLE)} (stream_id, revision, event_type, position, reason, quarantined_at) ` +
        `VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (stream_id) DO NOTHING`,
      values: [event.streamId, event.revision, event.type, event.position, reason, new Date().toISOString()],
    };
  }

  async quarantinedStreams(query: QuarantinedStreamsQuery = {}): Promise<QuarantinedStream[]> {
    this.assertOpen();
    await this.beforeRead();
    const { rows } = await this.pool.query<QuarantinedStream>(
      `SELECT ${QUARANTINE_COLUMNS} FROM ${this.table(QUARANTINE_TABLE)} ` +
        `WHERE $1::text[] IS NULL OR stream_id = ANY($1::text[]) ORDER BY stream_id LIMIT $2`,
      [query.streamIds ?? null, query.limit ?? 1000],
    );
    return rows;
  }

  /** The batch's stream progress; states come from the cache when its revision is still the stored one. */
  private async readProgress(client: PoolClient, streamIds: readonly string[]): Promise<Map<string, StreamProgress>> {
    const progress = new Map<string, StreamProgress>();
    if (streamIds.length === 0) return progress;
    const cachedIds: string[] = [];
    const cachedRevisions: number[] = [];
    for (const streamId of streamIds) {
      const entry = this.stateCache.get(streamId);
      if (entry) {
        cachedIds.push(streamId);
        cachedRevisions.push(entry.revision);
      }
    }
    const { rows } = await client.query<{ stream_id: string; revision: number; folded_state: string | null }>(
      `SELECT r.stream_id, r.revision, CASE WHEN c.revision = r.revision THEN NULL ELSE r.folded_state END AS folded_state ` +
        `FROM ${this.table(STREAM_REVISIONS_TABLE)} r ` +
        `LEFT JOIN unnest($2::text[], $3::integer[]) AS c(stream_id, revision) ON c.stream_id COLLATE "C" = r.stream_id ` +
        `WHERE r.stream_id = ANY($1::text[])`,
      [streamIds, cachedIds, cachedRevisions],
    );
    for (const row of rows) {
      const folded =
        row.folded_state === null ? this.stateCache.get(row.stream_id)?.folded : decodeStreamState(row.folded_state);
      if (folded === undefined) throw new Error(`No folded state for ${row.stream_id}`);
      progress.set(row.stream_id, { revision: row.revision, folded });
    }
    return progress;
  }

  /**
   * Records the streams' new revisions and states, checking the revisions read before are still the stored ones.
   * The row locks taken here make a concurrent writer of the same stream wait; when it goes on, its check fails and
   * its whole batch is retried on the newer state (optimistic, instead of locking every row up front).
   */
  private async writeProgress(
    client: PoolClient,
    projection: BatchProjection,
    before: ReadonlyMap<string, StreamProgress>,
  ): Promise<void> {
    const created: [string[], number[], string[]] = [[], [], []];
    const updated: [string[], number[], number[], string[]] = [[], [], [], []];
    for (const [streamId, { revision, folded }] of projection.advanced) {
      const expected = before.get(streamId)?.revision;
      const state = encodeStreamState(folded);
      if (expected === undefined) {
        created[0].push(streamId);
        created[1].push(revision);
        created[2].push(state);
      } else {
        updated[0].push(streamId);
        updated[1].push(revision);
        updated[2].push(expected);
        updated[3].push(state);
      }
    }
    const table = this.table(STREAM_REVISIONS_TABLE);
    if (created[0].length > 0) {
      const { rowCount } = await client.query(
        `INSERT INTO ${table} (stream_id, revision, folded_state) ` +
          `SELECT * FROM unnest($1::text[], $2::integer[], ${STATES_PARAMETER('$3')}) ON CONFLICT (stream_id) DO NOTHING`,
        [created[0], created[1], joinStates(created[2])],
      );
      if (rowCount !== created[0].length) {
        throw new ConcurrentStreamWriteError('Another writer created the progress of a stream in this batch');
      }
    }
    if (updated[0].length > 0) {
      const { rowCount } = await client.query(
        `UPDATE ${table} AS r SET revision = x.revision, folded_state = x.state ` +
          `FROM unnest($1::text[], $2::integer[], $3::integer[], ${STATES_PARAMETER('$4')}) AS x(stream_id, revision, expected, state) ` +
          `WHERE r.stream_id = x.stream_id COLLATE "C" AND r.revision = x.expected`,
        [updated[0], updated[1], updated[2], joinStates(updated[3])],
      );
      if (rowCount !== updated[0].length)
        throw new ConcurrentStreamWriteError('Another writer advanced a stream of this batch');
    }
  }

  protected async writeChanges(client: PoolClient, changes: ChangeSet): Promise<void> {
    for (const table of changes.tables()) {
      let writer = this.writers.get(table);
      if (!writer) {
        writer = tableWriter(this.schema, READ_MODEL_TABLES[table] as TableDefinition<unknown>);
        this.writers.set(table, writer);
      }
      const { upserts, deletes } = changes.changesOf(table);
      // A key is in one list only (the ChangeSet merged them), so the order of the statements does not matter.
      for (const statement of [...writer.deletes(deletes), ...writer.upserts(upserts)]) {
        await client.query(statement.text, statement.values);
      }
    }
  }

  private async advanceCheckpoint(
    client: PoolClient,
    to: CheckpointAdvance,
    applied: number,
  ): Promise<ReadModelCheckpoint> {
    const { rows } = await client.query<CheckpointRow>(
      `UPDATE ${this.table(CHECKPOINT_TABLE)} SET ` +
        `position = CASE WHEN position IS NULL OR $1::text COLLATE "C" > position THEN $1::text ELSE position END, ` +
        `last_recorded_at = CASE WHEN position IS NULL OR $1::text COLLATE "C" > position THEN $2::text ELSE last_recorded_at END, ` +
        `events_applied = events_applied + $3 WHERE id = 1 ` +
        `RETURNING position, last_recorded_at, events_applied, ${this.quarantinedCount()}`,
      [to.position, to.recordedAt, applied],
    );
    return toCheckpoint(rows[0]);
  }

  private quarantinedCount(): string {
    return `(SELECT count(*) FROM ${this.table(QUARANTINE_TABLE)}) AS quarantined_streams`;
  }

  protected async readCheckpoint(client: Pool | PoolClient = this.pool): Promise<ReadModelCheckpoint> {
    const { rows } = await client.query<CheckpointRow>(
      `SELECT position, last_recorded_at, events_applied, ${this.quarantinedCount()} ` +
        `FROM ${this.table(CHECKPOINT_TABLE)} WHERE id = 1`,
    );
    return toCheckpoint(rows[0]);
  }

  async checkpoint(): Promise<ReadModelCheckpoint> {
    this.assertOpen();
    return this.readCheckpoint();
  }

  private async run<Row extends object>(query: queries.SqlQuery): Promise<Row[]> {
    const { text, values } = toPositional(query.text, query.params);
    const { rows } = await this.pool.query(text, values);
    return rows as Row[];
  }

  /** Called before reading rows (a rebuild first writes what it still buffers). */
  protected async beforeRead(): Promise<void> {}

  protected override async page<Row extends object>(query: queries.SqlQuery): Promise<ReportPage<Row>> {
    this.assertOpen();
    await this.beforeRead();
    const checkpoint = await this.readCheckpoint();
    return { ...queries.toPage(await this.run<Row>(query), query), checkpoint };
  }

  async policySummary(policyId: string): Promise<PolicySummaryRow | null> {
    this.assertOpen();
    await this.beforeRead();
    const [row] = await this.run<PolicySummaryRow>(queries.policySummaryQuery(this.table, policyId));
    return row ?? null;
  }

  async streamRevisions(streamIds: readonly string[]): Promise<Map<string, number>> {
    this.assertOpen();
    await this.beforeRead();
    const revisions = new Map<string, number>();
    if (streamIds.length === 0) return revisions;
    const { rows } = await this.pool.query<{ stream_id: string; revision: number }>(
      `SELECT stream_id, revision FROM ${this.table(STREAM_REVISIONS_TABLE)} WHERE stream_id = ANY($1::text[])`,
      [streamIds],
    );
    for (const row of rows) revisions.set(row.stream_id, row.revision);
    return revisions;
  }

  async policiesOfAgent(agentId: string): Promise<string[]> {
    this.assertOpen();
    await this.beforeRead();
    const rows = await this.run<{ policyId: string }>(queries.policiesOfAgentQuery(this.table, agentId));
    return rows.map((row) => row.policyId);
  }
}

export class PostgresReadModelStore extends PostgresReadModelTables implements ReadModelStore {
  readonly kind = 'postgres' as const;

  private constructor(
    pool: Pool,
    schema: string,
    private readonly stateCacheSize: number,
    private readonly rebuildTuning: RebuildTuning,
  ) {
    super(pool, schema, stateCacheSize, true);
  }

  /** Connects and creates the schema and tables when missing. */
  static async connect(options: PostgresReadModelStoreOptions): Promise<PostgresReadModelStore> {
    const schema = checkIdentifier('Read-model schema', options.schema ?? DEFAULT_POSTGRES_SCHEMA);
    if (schema.length > MAX_SCHEMA_LENGTH)
      throw new RangeError(`Read-model schema names are at most ${MAX_SCHEMA_LENGTH} characters`);
    const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 4, types: typeParsers });
    // An idle connection dropped by the server must not crash the process; the pool replaces it on the next query.
    pool.on('error', () => undefined);
    try {
      await createSchema(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresReadModelStore(pool, schema, options.stateCacheSize ?? 20_000, {
      stateCapacity: options.rebuildStateCapacity ?? 200_000,
      flushRows: options.rebuildFlushRows ?? 50_000,
    });
  }

  async layout(): Promise<ReadModelLayout> {
    this.assertOpen();
    // `*`: tables from before layout versions have no layout_version column.
    const { rows } = await this.pool.query<{ layout_version?: string | null }>(
      `SELECT * FROM ${this.table(CHECKPOINT_TABLE)} WHERE id = 1`,
    );
    const stored = rows[0]?.layout_version ?? null;
    return { stored, current: READ_MODEL_LAYOUT_VERSION, upToDate: stored === READ_MODEL_LAYOUT_VERSION };
  }

  async beginRebuild(): Promise<RebuildingReadModelStore> {
    this.assertOpen();
    const rebuildId = newRebuildId(Date.now(), Math.random());
    const rebuildSchema = `${this.schema}__rebuild_${rebuildId}`;
    await createSchema(this.pool, rebuildSchema, { deferIndexes: true });
    return new PostgresRebuild(
      this.pool,
      rebuildSchema,
      this.schema,
      rebuildId,
      this.stateCacheSize,
      this.rebuildTuning,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/**
 * A rebuild writes into tables nobody else sees until the swap, and a crashed rebuild is started over (beginRebuild
 * makes fresh tables), so it need not pay for per-batch durability:
 * - the stream states live in memory (the rebuild is their only writer), the least recently used ones beyond
 *   `stateCapacity` are read back from its table;
 * - row changes of many batches are merged in memory (a policy's installment rows are written once, not once per
 *   event), and written together with the states and the checkpoint when `flushRows` accumulate, in the background
 *   while the next batches are projected (one flush writes while the next fills; applyBatch gives the event loop a
 *   turn while one is in flight, so callers that never wait on I/O themselves still overlap with it);
 * - flushes commit with synchronous_commit off, and the tables have only their primary keys while they fill;
 *   `completeRebuild` writes the rest, analyses the tables and builds the secondary indexes (largest tables first, a
 *   table's indexes side by side) and only then swaps, in a synchronous commit (so the swapped-in tables are as
 *   durable as live ones). The tables are logged from the start: their WAL is written by the flushes, beside the
 *   projection, where UNLOGGED tables would have to be copied into the WAL (SET LOGGED) on the swap's critical path
 *   (measured: ~0.4 s of 5 s per 200 000 events).
 * Its readers (reports, checkpoint) see every applied batch: reads first write what is buffered.
 */
class PostgresRebuild extends PostgresReadModelTables implements RebuildingReadModelStore {
  /** Every stream's progress while in memory, least recently advanced first. */
  private readonly progress = new Map<string, StreamProgress>();
  /** Streams advanced since the last flush began. */
  private dirty = new Set<string>();
  private pending = new ChangeSet();
  private applied: ReadModelCheckpoint = {
    position: null,
    lastRecordedAt: null,
    eventsApplied: 0,
    quarantinedStreams: 0,
  };
  /** Whether `applied` changed since the last flush began. */
  private checkpointChanged = false;
  /** Streams quarantined by this rebuild (its only writer) and their revision; recorded in its table at once. */
  private readonly quarantined = new Map<string, number>();
  /** Whether states were dropped from memory (then a stream not in memory may be in the table). */
  private spilled = false;
  private flushing: Promise<void> = Promise.resolve();
  private flushesInFlight = 0;
  private failure: { readonly error: unknown } | null = null;
  private tablesFinished = false;

  constructor(
    pool: Pool,
    rebuildSchema: string,
    private readonly liveSchema: string,
    readonly rebuildId: string,
    stateCacheSize: number,
    private readonly tuning: RebuildTuning,
  ) {
    super(pool, rebuildSchema, stateCacheSize, false);
  }

  private throwIfFailed(): void {
    if (this.failure !== null) {
      throw new Error(`The rebuild ${this.rebuildId} failed writing its tables: abandon it and start over`, {
        cause: this.failure.error,
      });
    }
  }

  override async applyBatch(events: readonly RecordedEvent[]): Promise<ApplyBatchResult> {
    this.assertOpen();
    this.throwIfFailed();
    const batch = decodeBatch(events);
    const missing = batch.streamIds.filter((streamId) => !this.progress.has(streamId));
    if (missing.length > 0 && this.spilled) await this.readBack(missing);
    const projection = projectBatch(
      batch,
      (streamId) => this.progress.get(streamId),
      (streamId) => this.quarantined.get(streamId),
    );
    if (projection.released.length > 0) {
      await this.release(this.pool, projection.released);
      for (const streamId of projection.released) this.quarantined.delete(streamId);
    }
    this.pending.merge(projection.changes);
    for (const [streamId, advanced] of projection.advanced) {
      this.progress.delete(streamId);
      this.progress.set(streamId, advanced);
      this.dirty.add(streamId);
    }
    this.advance(projection.checkpoint, projection.applied);
    if (this.pending.rowCount + this.dirty.size >= this.tuning.flushRows) {
      // Backpressure: at most one flush writing while the next one fills (bounds memory when PostgreSQL lags).
      if (this.flushesInFlight > 0) await this.flushing;
      this.startFlush();
    }
    this.forgetLeastRecent();
    // Callers often loop over pages without ever waiting on I/O (a synchronous event-store read, then this): give
    // the event loop a turn so the background flush's queries progress while the next batches are projected.
    if (this.flushesInFlight > 0) await yieldToEventLoop();
    const { applied, skipped, ignored } = projection;
    return { applied, skipped, ignored, quarantined: projection.quarantined, checkpoint: this.applied };
  }

  private advance(to: CheckpointAdvance | null, applied: number): void {
    const moves =
      to !== null && (this.applied.position === null || comparePositions(to.position, this.applied.position) > 0);
    // Events passed over or ignored move only the checkpoint: the next flush must write it even without rows.
    if (moves || applied > 0 || this.quarantined.size !== this.applied.quarantinedStreams)
      this.checkpointChanged = true;
    this.applied = {
      position: moves ? to.position : this.applied.position,
      lastRecordedAt: moves ? to.recordedAt : this.applied.lastRecordedAt,
      eventsApplied: this.applied.eventsApplied + applied,
      quarantinedStreams: this.quarantined.size,
    };
  }

  override async quarantineStream(
    event: QuarantinedEvent,
    reason: string,
    options: QuarantineOptions = {},
  ): Promise<boolean> {
    this.assertOpen();
    this.throwIfFailed();
    // The rebuild is the only writer: its memory knows (a state spilled to the table is overtaken on the next batch).
    if ((this.progress.get(event.streamId)?.revision ?? -1) >= event.revision) return false;
    const quarantines = !this.quarantined.has(event.streamId);
    if (quarantines) {
      const { text, values } = this.quarantineInsert(event, reason);
      await this.pool.query(text, values);
      this.quarantined.set(event.streamId, event.revision);
    }
    this.advance(options.moveCheckpoint ? { position: event.position, recordedAt: recordedAtOf(event) } : null, 0);
    return quarantines;
  }

  /** Loads states that were dropped from memory (after the flush that wrote them). */
  private async readBack(streamIds: readonly string[]): Promise<void> {
    await this.flushing;
    this.throwIfFailed();
    const { rows } = await this.pool.query<{ stream_id: string; revision: number; folded_state: string }>(
      `SELECT stream_id, revision, folded_state FROM ${this.table(STREAM_REVISIONS_TABLE)} WHERE stream_id = ANY($1::text[])`,
      [streamIds],
    );
    for (const row of rows) {
      this.progress.set(row.stream_id, { revision: row.revision, folded: decodeStreamState(row.folded_state) });
    }
  }

  private forgetLeastRecent(): void {
    if (this.progress.size <= this.tuning.stateCapacity) return;
    const target = Math.floor(this.tuning.stateCapacity * 0.9);
    for (const streamId of this.progress.keys()) {
      if (this.progress.size <= target) break;
      // Dirty states are not written yet; the others are (or will be once the flush in flight commits).
      if (!this.dirty.has(streamId)) this.progress.delete(streamId);
    }
    this.spilled = true;
  }

  /** Hands what is buffered to the background writer (one transaction per flush, flushes in order). */
  private startFlush(): void {
    if (this.pending.size === 0 && this.dirty.size === 0 && !this.checkpointChanged) return;
    this.checkpointChanged = false;
    const changes = this.pending;
    const states = [...this.dirty].map((streamId) => [streamId, this.progress.get(streamId)!] as const);
    const checkpoint = this.applied;
    this.pending = new ChangeSet();
    this.dirty = new Set();
    this.flushesInFlight++;
    this.flushing = this.flushing.then(async () => {
      try {
        if (this.failure === null) await this.write(changes, states, checkpoint);
      } catch (error) {
        this.failure = { error };
      } finally {
        this.flushesInFlight--;
      }
    });
  }

  private async write(
    changes: ChangeSet,
    states: readonly (readonly [string, StreamProgress])[],
    checkpoint: ReadModelCheckpoint,
  ): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL synchronous_commit = off');
      await this.writeChanges(client, changes);
      for (let start = 0; start < states.length; start += ROWS_PER_STATEMENT) {
        const chunk = states.slice(start, start + ROWS_PER_STATEMENT);
        await client.query(
          `INSERT INTO ${this.table(STREAM_REVISIONS_TABLE)} (stream_id, revision, folded_state) ` +
            `SELECT * FROM unnest($1::text[], $2::integer[], ${STATES_PARAMETER('$3')}) ` +
            `ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, folded_state = EXCLUDED.folded_state`,
          [
            chunk.map(([streamId]) => streamId),
            chunk.map(([, progress]) => progress.revision),
            joinStates(chunk.map(([, progress]) => encodeStreamState(progress.folded))),
          ],
        );
      }
      await client.query(
        `UPDATE ${this.table(CHECKPOINT_TABLE)} SET position = $1, last_recorded_at = $2, events_applied = $3 WHERE id = 1`,
        [checkpoint.position, checkpoint.lastRecordedAt, checkpoint.eventsApplied],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Writes everything buffered and waits for it. */
  private async flush(): Promise<void> {
    this.startFlush();
    await this.flushing;
    this.throwIfFailed();
  }

  protected override async beforeRead(): Promise<void> {
    await this.flush();
  }

  override async checkpoint(): Promise<ReadModelCheckpoint> {
    this.assertOpen();
    return this.applied;
  }

  /** Makes the filled tables as fast to query as live ones: analysed, secondary indexes. */
  private async finishTables(): Promise<void> {
    if (this.tablesFinished) return;
    // Largest tables first (they are the critical path): the pool hands out connections in request order.
    const { rows } = await this.pool.query<{ name: string; bytes: number }>(
      `SELECT name, pg_relation_size(format('%I.%I', $1::text, name)) AS bytes FROM unnest($2::text[]) AS name`,
      [this.schema, ALL_TABLE_NAMES],
    );
    const tables = rows.sort((a, b) => b.bytes - a.bytes).map((row) => row.name);
    await Promise.all(
      tables.map(async (name) => {
        // ANALYZE before the index builds: it conflicts with their locks, and plain-column statistics need no index.
        await this.maintenance([
          `SET LOCAL default_statistics_target = ${REBUILD_STATISTICS_TARGET}`,
          `ANALYZE ${this.table(name)}`,
        ]);
        // A table's indexes are built side by side (each on its own connection: CREATE INDEX locks share).
        await Promise.all(secondaryIndexDdl(this.schema, name).map((ddl) => this.maintenance([ddl])));
      }),
    );
    this.tablesFinished = true;
  }

  /** Runs DDL in one transaction with room to sort in memory (index builds). */
  private maintenance(statements: readonly string[]): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await client.query(`SET LOCAL maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`);
      for (const statement of statements) await client.query(statement);
    });
  }

  async completeRebuild(options: CompleteRebuildOptions = {}): Promise<void> {
    this.assertOpen();
    await this.flush();
    await this.finishTables();
    const retiredSchema = `${this.liveSchema}__retired_${this.rebuildId}`;
    let replaced = false;
    for (let attempt = 1; ; attempt++) {
      try {
        replaced = await this.swap(retiredSchema, options);
        break;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
    this.closed = true;
    if (replaced && !options.keepReplaced) await this.pool.query(`DROP SCHEMA IF EXISTS "${retiredSchema}" CASCADE`);
  }

  /** @returns whether live tables were replaced (false when there were none yet). */
  private async swap(retiredSchema: string, options: CompleteRebuildOptions): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: liveTables } = await client.query<{ tablename: string }>(
        `SELECT tablename FROM pg_tables WHERE schemaname = $1`,
        [this.liveSchema],
      );
      const names = new Set(liveTables.map((row) => row.tablename));
      // Writers take their first lock on the stream revisions: locking it first lets in-flight batches finish and
      // queues new ones behind the swap (they then resolve the schema name to the new tables), without deadlocks.
      const lockOrder = [STREAM_REVISIONS_TABLE, CHECKPOINT_TABLE, ...[...names].sort()].filter(
        (name, index, all) => names.has(name) && all.indexOf(name) === index,
      );
      if (lockOrder.length > 0) {
        await client.query(
          `LOCK TABLE ${lockOrder.map((name) => `"${this.liveSchema}"."${name}"`).join(', ')} IN ACCESS EXCLUSIVE MODE`,
        );
      }
      if (!options.allowBehindLive && names.has(CHECKPOINT_TABLE)) {
        const live = await client.query<CheckpointRow>(
          `SELECT position, last_recorded_at, events_applied FROM "${this.liveSchema}".${CHECKPOINT_TABLE} WHERE id = 1`,
        );
        const livePosition = toCheckpoint(live.rows[0]).position;
        const rebuiltPosition = (await this.readCheckpoint(client)).position;
        const behind =
          livePosition !== null && (rebuiltPosition === null || comparePositions(rebuiltPosition, livePosition) < 0);
        if (behind) throw new RebuildBehindLiveError(rebuiltPosition, livePosition);
      }
      const { rowCount } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [this.liveSchema]);
      const liveExists = (rowCount ?? 0) > 0;
      if (liveExists) await client.query(`ALTER SCHEMA "${this.liveSchema}" RENAME TO "${retiredSchema}"`);
      await client.query(`ALTER SCHEMA "${this.schema}" RENAME TO "${this.liveSchema}"`);
      await client.query('COMMIT');
      return liveExists;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async abandonRebuild(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }
}
