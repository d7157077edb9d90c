/**
 * The PostgreSQL read-model store (production). The only importer of `pg` in the repository.
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
 */
import { Pool, types as pgTypes, type PoolClient, type QueryResultRow } from 'pg';
import { comparePositions, type RecordedEvent } from '@lib/event-sourcing';
import {
  decodeBatch,
  projectBatch,
  type BatchProjection,
  type DecodedBatch,
  type StreamProgress,
} from '../projections/project-batch';
import { type ChangeSet } from '../projections/row-changes';
import {
  RebuildBehindLiveError,
  type AgentWorkloadQuery,
  type AgentWorkloadReportRow,
  type ApplyBatchResult,
  type CompleteRebuildOptions,
  type DateQuery,
  type DateRange,
  type LapseCandidateRow,
  type LapseReportRow,
  type LapsesQuery,
  type OpenInstallmentRow,
  type PageRequest,
  type PremiumDueReportRow,
  type PremiumsDueQuery,
  type ReadModelCheckpoint,
  type ReadModelStore,
  type RebuildingReadModelStore,
  type ReportPage,
  type ServicingActivityQuery,
  type SurvivalBenefitReportRow,
  type SurvivalBenefitsQuery,
  type TransfersQuery,
} from '../read-model-store';
import {
  type PolicySummaryRow,
  type ReadModelTable,
  type ServicingActivityRow,
  type TransferRow,
} from '../read-model-rows';
import {
  CHECKPOINT_TABLE,
  READ_MODEL_TABLES,
  STREAM_REVISIONS_TABLE,
  type ColumnType,
  type TableDefinition,
} from '../read-model-tables';
import * as queries from '../sql/report-queries';
import { checkIdentifier, newRebuildId, toPositional } from '../sql/sql-text';
import { StateCache } from '../state-cache';

export const DEFAULT_POSTGRES_SCHEMA = 'read_models';
/** Leaves room for the rebuild suffix `__rebuild_<id>` within PostgreSQL's 63-character identifiers. */
const MAX_SCHEMA_LENGTH = 40;

export interface PostgresReadModelStoreOptions {
  /** `postgres://user@host:5432/database` (READ_MODEL_URL). */
  readonly url: string;
  /** Schema of the live tables; default `read_models`. Tests use their own. */
  readonly schema?: string;
  /** Connections; default 4. */
  readonly poolSize?: number;
  /** Folded stream states kept in memory between batches (saves reading them back); default 20 000. */
  readonly stateCacheSize?: number;
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

function schemaDdl(schema: string): string[] {
  const q = (table: string) => `"${schema}".${table}`;
  const statements = [`CREATE SCHEMA IF NOT EXISTS "${schema}"`];
  for (const definition of Object.values(READ_MODEL_TABLES) as TableDefinition<unknown>[]) {
    const columns = definition.columns.map(
      (column) => `${column.column} ${PG_COLUMN_TYPES[column.type]}${column.nullable ? '' : ' NOT NULL'}`,
    );
    const primaryKey = definition.primaryKey.map((field) => columnOf(definition, field)).join(', ');
    const storage = definition.fillFactor ? ` WITH (fillfactor = ${definition.fillFactor})` : '';
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${q(definition.name)} (${columns.join(', ')}, PRIMARY KEY (${primaryKey}))${storage}`,
    );
    for (const index of definition.indexes) {
      statements.push(
        `CREATE INDEX IF NOT EXISTS ${definition.name}_${index.name} ON ${q(definition.name)} (${index.columns.join(', ')})` +
          (index.where ? ` WHERE ${index.where}` : ''),
      );
    }
  }
  statements.push(
    // Folded states (a few KB of JSON, rewritten by every batch that touches the stream) stay inline and
    // uncompressed: TOAST chunking and pglz cost more than the bytes they save here (measured ~40 % of the write).
    `CREATE TABLE IF NOT EXISTS ${q(STREAM_REVISIONS_TABLE)} (` +
      `stream_id text COLLATE "C" PRIMARY KEY, revision integer NOT NULL, folded_state text NOT NULL) ` +
      `WITH (toast_tuple_target = 8160)`,
    `ALTER TABLE ${q(STREAM_REVISIONS_TABLE)} ALTER COLUMN folded_state SET STORAGE EXTERNAL`,
    `CREATE TABLE IF NOT EXISTS ${q(CHECKPOINT_TABLE)} (id integer PRIMARY KEY CHECK (id = 1), ` +
      `position text COLLATE "C", last_recorded_at text, events_applied bigint NOT NULL DEFAULT 0)`,
    `INSERT INTO ${q(CHECKPOINT_TABLE)} (id) VALUES (1) ON CONFLICT (id) DO NOTHING`,
  );
  return statements;
}

async function createSchema(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two processes starting at once would race on CREATE … IF NOT EXISTS (unique violations in the catalog).
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`read-models:${schema}`]);
    for (const statement of schemaDdl(schema)) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** PostgreSQL accepts at most 65 535 parameters per statement. */
const MAX_PARAMETERS = 65_535;

/**
 * A statement and its parameters. Folded states (a few KB of JSON each) go as one text parameter per value in a
 * VALUES list: PostgreSQL parsed them inside a json_to_recordset payload at only ~40 MB/s here (2× slower).
 */
interface ValuesStatement {
  readonly text: string;
  readonly values: unknown[];
}

function valuesList(rowCount: number, casts: readonly string[]): string {
  const tuples: string[] = new Array<string>(rowCount);
  let parameter = 0;
  for (let row = 0; row < rowCount; row++) {
    tuples[row] = `(${casts.map((cast) => `$${++parameter}::${cast}`).join(', ')})`;
  }
  return tuples.join(', ');
}

/** Splits rows into statements within the parameter limit; `row` lists one row's values in column order. */
function chunkedValues<Row>(
  rows: readonly Row[],
  casts: readonly string[],
  row: (item: Row) => readonly unknown[],
  statement: (values: string) => string,
): ValuesStatement[] {
  const perStatement = Math.floor(MAX_PARAMETERS / casts.length);
  const statements: ValuesStatement[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values: unknown[] = [];
    for (const item of chunk) values.push(...row(item));
    statements.push({ text: statement(valuesList(chunk.length, casts)), values });
  }
  return statements;
}

interface TableWriter {
  upserts(rows: readonly object[]): ValuesStatement[];
  deletes(keys: readonly object[]): ValuesStatement[];
}

/**
 * Row changes travel as one JSON array per table (json_to_recordset): for many narrow rows that beats a VALUES list,
 * whose planning cost grows with its thousands of parameters (measured ~3× slower for premium_installments).
 */
function tableWriter(schema: string, definition: TableDefinition<unknown>): TableWriter {
  const table = `"${schema}".${definition.name}`;
  const recordset = (fields: readonly string[]) =>
    fields
      .map((field) => `"${field}" ${CAST_TYPES[definition.columns.find((column) => column.field === field)!.type]}`)
      .join(', ');
  const fields = definition.columns.map((column) => column.field);
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
    `INSERT INTO ${table} AS target (${definition.columns.map((column) => column.column).join(', ')}) ` +
    `SELECT ${fields.map((field) => `x."${field}"`).join(', ')} FROM json_to_recordset($1::json) AS x(${recordset(fields)}) ` +
    `ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${set}`;
  const remove =
    `DELETE FROM ${table} AS target USING json_to_recordset($1::json) AS x(${recordset(definition.primaryKey)}) ` +
    `WHERE ${definition.primaryKey.map((field) => `target.${columnOf(definition, field)} = x."${field}"`).join(' AND ')}`;
  return {
    upserts: (rows) => (rows.length === 0 ? [] : [{ text: upsert, values: [JSON.stringify(rows)] }]),
    deletes: (keys) => (keys.length === 0 ? [] : [{ text: remove, values: [JSON.stringify(keys)] }]),
  };
}

interface CheckpointRow extends QueryResultRow {
  position: string | null;
  last_recorded_at: string | null;
  events_applied: number;
}

function toCheckpoint(row: CheckpointRow | undefined): ReadModelCheckpoint {
  return {
    position: row?.position ?? null,
    lastRecordedAt: row?.last_recorded_at ?? null,
    eventsApplied: Number(row?.events_applied ?? 0),
  };
}

/** Reads and writes one generation of the read-model tables (one schema). */
abstract class PostgresReadModelTables {
  private readonly writers = new Map<ReadModelTable, TableWriter>();
  private readonly stateCache: StateCache;
  protected closed = false;

  protected constructor(
    protected readonly pool: Pool,
    protected readonly schema: string,
    stateCacheSize: number,
    private readonly durableCommits: boolean,
  ) {
    this.stateCache = new StateCache(stateCacheSize);
  }

  protected readonly table = (name: string): string => `"${this.schema}".${name}`;

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
      const projection = projectBatch(batch, (streamId) => progress.get(streamId));
      await this.writeProgress(client, projection, progress);
      await this.writeChanges(client, projection.changes);
      const checkpoint = await this.advanceCheckpoint(client, projection);
      await client.query('COMMIT');
      for (const [streamId, advanced] of projection.advanced) this.stateCache.set(streamId, advanced);
      return { applied: projection.applied, skipped: projection.skipped, ignored: projection.ignored, checkpoint };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The batch's stream progress; folded states come from the cache when its revision is still the stored one. */
  private async readProgress(client: PoolClient, streamIds: readonly string[]): Promise<Map<string, StreamProgress>> {
    const progress = new Map<string, StreamProgress>();
    if (streamIds.length === 0) return progress;
    const cached = streamIds.flatMap((streamId) => {
      const entry = this.stateCache.get(streamId);
      return entry ? [{ streamId, revision: entry.revision }] : [];
    });
    const { rows } = await client.query<{ stream_id: string; revision: number; folded_state: string | null }>(
      `SELECT r.stream_id, r.revision, CASE WHEN c.revision = r.revision THEN NULL ELSE r.folded_state END AS folded_state ` +
        `FROM ${this.table(STREAM_REVISIONS_TABLE)} r ` +
        `LEFT JOIN json_to_recordset($2::json) AS c("streamId" text, revision integer) ON c."streamId" = r.stream_id ` +
        `WHERE r.stream_id = ANY($1::text[])`,
      [streamIds, JSON.stringify(cached)],
    );
    for (const row of rows) {
      const folded =
        row.folded_state === null
          ? this.stateCache.get(row.stream_id)?.folded
          : (JSON.parse(row.folded_state) as StreamProgress['folded']);
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
    const created: { streamId: string; revision: number; state: string }[] = [];
    const updated: { streamId: string; revision: number; expected: number; state: string }[] = [];
    for (const [streamId, { revision, folded }] of projection.advanced) {
      const expected = before.get(streamId)?.revision;
      const state = JSON.stringify(folded);
      if (expected === undefined) created.push({ streamId, revision, state });
      else updated.push({ streamId, revision, expected, state });
    }
    const table = this.table(STREAM_REVISIONS_TABLE);
    const inserts = chunkedValues(
      created,
      ['text', 'integer', 'text'],
      (row) => [row.streamId, row.revision, row.state],
      (values) =>
        `INSERT INTO ${table} (stream_id, revision, folded_state) VALUES ${values} ON CONFLICT (stream_id) DO NOTHING`,
    );
    const updates = chunkedValues(
      updated,
      ['text', 'integer', 'integer', 'text'],
      (row) => [row.streamId, row.revision, row.expected, row.state],
      (values) =>
        `UPDATE ${table} AS r SET revision = x.revision, folded_state = x.state FROM (VALUES ${values}) ` +
        `AS x(stream_id, revision, expected, state) WHERE r.stream_id = x.stream_id AND r.revision = x.expected`,
    );
    let inserted = 0;
    for (const statement of inserts) inserted += (await client.query(statement.text, statement.values)).rowCount ?? 0;
    if (inserted !== created.length) {
      throw new ConcurrentStreamWriteError('Another writer created the progress of a stream in this batch');
    }
    let changed = 0;
    for (const statement of updates) changed += (await client.query(statement.text, statement.values)).rowCount ?? 0;
    if (changed !== updated.length)
      throw new ConcurrentStreamWriteError('Another writer advanced a stream of this batch');
  }

  private async writeChanges(client: PoolClient, changes: ChangeSet): Promise<void> {
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

  private async advanceCheckpoint(client: PoolClient, projection: BatchProjection): Promise<ReadModelCheckpoint> {
    if (projection.checkpoint === null) return this.readCheckpoint(client);
    const { rows } = await client.query<CheckpointRow>(
      `UPDATE ${this.table(CHECKPOINT_TABLE)} SET ` +
        `position = CASE WHEN position IS NULL OR $1::text COLLATE "C" > position THEN $1::text ELSE position END, ` +
        `last_recorded_at = CASE WHEN position IS NULL OR $1::text COLLATE "C" > position THEN $2::text ELSE last_recorded_at END, ` +
        `events_applied = events_applied + $3 WHERE id = 1 RETURNING position, last_recorded_at, events_applied`,
      [projection.checkpoint.position, projection.checkpoint.recordedAt, projection.applied],
    );
    return toCheckpoint(rows[0]);
  }

  protected async readCheckpoint(client: Pool | PoolClient = this.pool): Promise<ReadModelCheckpoint> {
    const { rows } = await client.query<CheckpointRow>(
      `SELECT position, last_recorded_at, events_applied FROM ${this.table(CHECKPOINT_TABLE)} WHERE id = 1`,
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

  private async page<Row extends object>(query: queries.SqlQuery): Promise<ReportPage<Row>> {
    this.assertOpen();
    const checkpoint = await this.readCheckpoint();
    return { ...queries.toPage(await this.run<Row>(query), query), checkpoint };
  }

  async policySummary(policyId: string): Promise<PolicySummaryRow | null> {
    this.assertOpen();
    const [row] = await this.run<PolicySummaryRow>(queries.policySummaryQuery(this.table, policyId));
    return row ?? null;
  }

  premiumsDue(query: PremiumsDueQuery): Promise<ReportPage<PremiumDueReportRow>> {
    return this.page(queries.premiumsDueQuery(this.table, query));
  }

  servicingActivity(query: ServicingActivityQuery): Promise<ReportPage<ServicingActivityRow>> {
    return this.page(queries.servicingActivityQuery(this.table, query));
  }

  agentWorkload(query: AgentWorkloadQuery): Promise<ReportPage<AgentWorkloadReportRow>> {
    return this.page(queries.agentWorkloadQuery(this.table, query));
  }

  survivalBenefits(query: SurvivalBenefitsQuery): Promise<ReportPage<SurvivalBenefitReportRow>> {
    return this.page(queries.survivalBenefitsQuery(this.table, query));
  }

  lapses(query: LapsesQuery): Promise<ReportPage<LapseReportRow>> {
    return this.page(queries.lapsesQuery(this.table, query));
  }

  transfers(query: TransfersQuery): Promise<ReportPage<TransferRow>> {
    return this.page(queries.transfersQuery(this.table, query));
  }

  installmentsDueBetween(query: DateRange & PageRequest): Promise<ReportPage<OpenInstallmentRow>> {
    return this.page(queries.installmentsDueBetweenQuery(this.table, query));
  }

  unpaidInstallmentsDueBefore(query: DateQuery): Promise<ReportPage<OpenInstallmentRow>> {
    return this.page(queries.unpaidInstallmentsDueBeforeQuery(this.table, query));
  }

  policiesEligibleForLapse(query: DateQuery): Promise<ReportPage<LapseCandidateRow>> {
    return this.page(queries.policiesEligibleForLapseQuery(this.table, query));
  }

  lapsedWithDeadlineBefore(query: DateQuery): Promise<ReportPage<LapseReportRow>> {
    return this.page(queries.lapsedWithDeadlineBeforeQuery(this.table, query));
  }

  survivalBenefitsDueOn(query: DateQuery): Promise<ReportPage<SurvivalBenefitReportRow>> {
    return this.page(queries.survivalBenefitsDueOnQuery(this.table, query));
  }
}

export class PostgresReadModelStore extends PostgresReadModelTables implements ReadModelStore {
  readonly kind = 'postgres' as const;

  private constructor(
    pool: Pool,
    schema: string,
    private readonly stateCacheSize: number,
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
    return new PostgresReadModelStore(pool, schema, options.stateCacheSize ?? 20_000);
  }

  async beginRebuild(): Promise<RebuildingReadModelStore> {
    this.assertOpen();
    const rebuildId = newRebuildId(Date.now(), Math.random());
    const rebuildSchema = `${this.schema}__rebuild_${rebuildId}`;
    await createSchema(this.pool, rebuildSchema);
    return new PostgresRebuild(this.pool, rebuildSchema, this.schema, rebuildId, this.stateCacheSize);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

class PostgresRebuild extends PostgresReadModelTables implements RebuildingReadModelStore {
  constructor(
    pool: Pool,
    rebuildSchema: string,
    private readonly liveSchema: string,
    readonly rebuildId: string,
    stateCacheSize: number,
  ) {
    super(pool, rebuildSchema, stateCacheSize, false);
  }

  async completeRebuild(options: CompleteRebuildOptions = {}): Promise<void> {
    this.assertOpen();
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
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }
}
