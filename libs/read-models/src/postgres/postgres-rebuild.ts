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
 *
 * The swap locks the live tables, checks the rebuild has caught up with the live checkpoint, and renames the schemas
 * in one transaction (the old one becomes `<schema>__retired_<id>`, dropped afterwards unless kept).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { comparePositions, type Clock, type RecordedEvent } from '@lib/event-sourcing';
import { type Pool, type PoolClient } from 'pg';
import { decodeBatch, projectBatch, type CheckpointAdvance, type StreamProgress } from '../projections/project-batch';
import { recordedAtOf } from '../projections/projection-event';
import { ChangeSet } from '../projections/row-changes';
import {
  type ApplyBatchResult,
  type CompleteRebuildOptions,
  type QuarantinedEvent,
  type QuarantinedStream,
  type QuarantinedStreamsQuery,
  type QuarantineOptions,
  type ReadModelCheckpoint,
  type RebuildingReadModelStore,
  type ReportPage,
} from '../read-model-store';
import { type PolicySummaryRow } from '../read-model-rows';
import { ALL_TABLE_NAMES, CHECKPOINT_TABLE, STREAM_REVISIONS_TABLE } from '../read-model-tables';
import { assertRebuildCaughtUp } from '../sql/read-model-bookkeeping';
import { type SqlQuery } from '../sql/report-queries';
import { SqlReportReader } from '../sql/sql-report-reader';
import { createSchema, dropSchema, secondaryIndexDdl, tablesOf } from './postgres-schema';
import { PostgresReports } from './postgres-reports';
import { PostgresTableWriter, readCheckpoint } from './postgres-table-writer';
import { inTransaction, retryingConflicts } from './postgres-transaction';

/** Rebuilds: sort memory of each index build (several run at once), instead of the server default (often 64 MB). */
const MAINTENANCE_WORK_MEM = '128MB';
/**
 * Rebuilds: ANALYZE samples 300 × this many rows per table. 30 instead of the default 100 makes it ~4× cheaper on
 * large tables (it is on the swap's critical path) and still gives the planner row counts, null fractions and coarse
 * histograms; autovacuum's later ANALYZE (server defaults) refines them as the live projector writes.
 */
const REBUILD_STATISTICS_TARGET = 30;

export interface RebuildTuning {
  /** Stream states held in memory (beyond, the least recently used ones are read back). */
  readonly stateCapacity: number;
  /** Merged row changes and states buffered before they are written. */
  readonly flushRows: number;
}

interface PostgresRebuildOptions {
  readonly pool: Pool;
  /** The schema of the live tables the rebuild replaces. */
  readonly liveSchema: string;
  readonly rebuildId: string;
  readonly clock: Clock;
  readonly tuning: RebuildTuning;
}

export class PostgresRebuild extends SqlReportReader implements RebuildingReadModelStore {
  readonly rebuildId: string;
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly liveSchema: string;
  private readonly tuning: RebuildTuning;
  private readonly writer: PostgresTableWriter;
  private readonly reports: PostgresReports;
  protected readonly table: (name: string) => string;
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
  private closed = false;

  private constructor(options: PostgresRebuildOptions) {
    super();
    this.pool = options.pool;
    this.liveSchema = options.liveSchema;
    this.rebuildId = options.rebuildId;
    this.tuning = options.tuning;
    this.schema = `${options.liveSchema}__rebuild_${options.rebuildId}`;
    this.writer = new PostgresTableWriter(this.schema, options.clock);
    this.table = tablesOf(this.schema);
    this.reports = new PostgresReports(this.pool, this.table, async () => {
      this.assertOpen();
      await this.flush();
    });
  }

  /** Creates the fresh tables (secondary indexes come with `completeRebuild`). */
  static async begin(options: PostgresRebuildOptions): Promise<PostgresRebuild> {
    const rebuild = new PostgresRebuild(options);
    await createSchema(options.pool, rebuild.schema, { deferIndexes: true });
    return rebuild;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Read-model store on schema ${this.schema} is closed`);
  }

  private throwIfFailed(): void {
    if (this.failure !== null) {
      throw new Error(`The rebuild ${this.rebuildId} failed writing its tables: abandon it and start over`, {
        cause: this.failure.error,
      });
    }
  }

  async applyBatch(events: readonly RecordedEvent[]): Promise<ApplyBatchResult> {
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
      await this.writer.release(this.pool, projection.released);
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

  async quarantineStream(event: QuarantinedEvent, reason: string, options: QuarantineOptions = {}): Promise<boolean> {
    this.assertOpen();
    this.throwIfFailed();
    // The rebuild is the only writer: its memory knows (a state spilled to the table is overtaken on the next batch).
    if ((this.progress.get(event.streamId)?.revision ?? -1) >= event.revision) return false;
    const quarantines = !this.quarantined.has(event.streamId);
    if (quarantines) {
      await this.writer.insertQuarantine(this.pool, event, reason);
      this.quarantined.set(event.streamId, event.revision);
    }
    this.advance(options.moveCheckpoint ? { position: event.position, recordedAt: recordedAtOf(event) } : null, 0);
    return quarantines;
  }

  /** Loads states that were dropped from memory (after the flush that wrote them). */
  private async readBack(streamIds: readonly string[]): Promise<void> {
    await this.flushing;
    this.throwIfFailed();
    for (const [streamId, progress] of await this.writer.readStates(this.pool, streamIds)) {
      this.progress.set(streamId, progress);
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
        if (this.failure === null) {
          await inTransaction(this.pool, async (client) => {
            // Made durable by the (synchronous) swap commit; until then a crash just means starting over.
            await client.query('SET LOCAL synchronous_commit = off');
            await this.writer.writeChanges(client, changes);
            await this.writer.writeStates(client, states);
            await this.writer.writeCheckpoint(client, checkpoint);
          });
        }
      } catch (error) {
        this.failure = { error };
      } finally {
        this.flushesInFlight--;
      }
    });
  }

  /** Writes everything buffered and waits for it. */
  private async flush(): Promise<void> {
    this.startFlush();
    await this.flushing;
    this.throwIfFailed();
  }

  async checkpoint(): Promise<ReadModelCheckpoint> {
    this.assertOpen();
    return this.applied;
  }

  protected page<Row extends object>(query: SqlQuery): Promise<ReportPage<Row>> {
    return this.reports.page(query);
  }

  policySummary(policyId: string): Promise<PolicySummaryRow | null> {
    return this.reports.policySummary(policyId);
  }

  policiesOfAgent(agentId: string): Promise<string[]> {
    return this.reports.policiesOfAgent(agentId);
  }

  streamRevisions(streamIds: readonly string[]): Promise<Map<string, number>> {
    return this.reports.streamRevisions(streamIds);
  }

  quarantinedStreams(query?: QuarantinedStreamsQuery): Promise<QuarantinedStream[]> {
    return this.reports.quarantinedStreams(query);
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
    const replaced = await retryingConflicts(() =>
      inTransaction(this.pool, (client) => this.swap(client, retiredSchema, options)),
    );
    this.closed = true;
    if (replaced && !options.keepReplaced) await dropSchema(this.pool, retiredSchema);
  }

  /** @returns whether live tables were replaced (false when there were none yet). */
  private async swap(client: PoolClient, retiredSchema: string, options: CompleteRebuildOptions): Promise<boolean> {
    const live = tablesOf(this.liveSchema);
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
      // The greatest position of the live checkpoint's lanes (tables of an older layout have one row).
      const { rows } = await client.query<{ position: string | null }>(
        `SELECT max(position COLLATE "C") AS position FROM ${live(CHECKPOINT_TABLE)}`,
      );
      const rebuilt = await readCheckpoint(client, this.table);
      assertRebuildCaughtUp(rebuilt.position, rows[0]?.position ?? null);
    }
    const { rowCount } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [this.liveSchema]);
    const liveExists = (rowCount ?? 0) > 0;
    if (liveExists) await client.query(`ALTER SCHEMA "${this.liveSchema}" RENAME TO "${retiredSchema}"`);
    await client.query(`ALTER SCHEMA "${this.schema}" RENAME TO "${this.liveSchema}"`);
    return liveExists;
  }

  async abandonRebuild(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await dropSchema(this.pool, this.schema);
  }
}
