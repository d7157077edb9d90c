/**
 * The PostgreSQL read-model store (production). libs/read-models is the only importer of `pg` (here and in the
 * PostgreSQL checkpoint store).
 *
 * Every table of one read-model generation lives in one schema (default `read_models`; postgres-schema). The store is
 * composed of the writer of its tables (postgres-table-writer: `applyBatch` runs one transaction per batch, and a
 * second projector instance writing the same stream meanwhile makes its revision check fail: the batch rolls back
 * and is retried on the newer state), their reads (postgres-reports), and rebuilds into a fresh schema that is
 * swapped in (postgres-rebuild).
 *
 * Round trips: a batch costs three (its reads, its writes, COMMIT: postgres-table-writer), whatever its size and its
 * number of tables. Batches applied at once (the Kafka projector's partitions) each advance their own checkpoint lane,
 * so they do not queue on one checkpoint row.
 *
 * Layout: a new schema's tables, and a rebuild's, are stamped with the current layout version in the checkpoint row
 * (layout_version); connecting leaves an existing schema's stamp as it is (`layout()` tells an older one).
 */
import { type Clock, type RecordedEvent } from '@lib/event-sourcing';
import { type Pool } from 'pg';
import { decodeBatch } from '../projections/project-batch';
import {
  type ApplyBatchResult,
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
import { type PolicySummaryRow } from '../read-model-rows';
import { systemClock } from '../sql/read-model-bookkeeping';
import { type SqlQuery } from '../sql/report-queries';
import { SqlReportReader } from '../sql/sql-report-reader';
import { newRebuildId } from '../sql/sql-text';
import { StateCache } from '../state-cache';
import { PostgresRebuild, type RebuildTuning } from './postgres-rebuild';
import { PostgresReports } from './postgres-reports';
import { checkSchemaName, createSchema, tablesOf } from './postgres-schema';
import { PostgresTableWriter } from './postgres-table-writer';
import { inTransaction, openPool, retryingConflicts } from './postgres-transaction';

export const DEFAULT_POSTGRES_SCHEMA = 'read_models';

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
  /** Time of quarantines and rebuild ids; default the system clock. */
  readonly clock?: Clock;
}

export class PostgresReadModelStore extends SqlReportReader implements ReadModelStore {
  readonly kind = 'postgres' as const;
  protected readonly table: (name: string) => string;
  private readonly writer: PostgresTableWriter;
  private readonly reports: PostgresReports;
  private readonly stateCache: StateCache;
  /** Checkpoint lanes no transaction of this store is writing (postgres-table-writer). */
  private readonly freeLanes: number[] = [];
  private lanes = 0;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    stateCacheSize: number,
    private readonly rebuildTuning: RebuildTuning,
    private readonly clock: Clock,
  ) {
    super();
    this.table = tablesOf(schema);
    this.writer = new PostgresTableWriter(schema, clock);
    this.reports = new PostgresReports(pool, this.table, async () => this.assertOpen());
    this.stateCache = new StateCache(stateCacheSize);
  }

  /** Connects and creates the schema and tables when missing. */
  static async connect(options: PostgresReadModelStoreOptions): Promise<PostgresReadModelStore> {
    const schema = checkSchemaName(options.schema ?? DEFAULT_POSTGRES_SCHEMA);
    const pool = openPool(options.url, options.poolSize ?? 4);
    try {
      await createSchema(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const tuning = {
      stateCapacity: options.rebuildStateCapacity ?? 200_000,
      flushRows: options.rebuildFlushRows ?? 50_000,
    };
    return new PostgresReadModelStore(
      pool,
      schema,
      options.stateCacheSize ?? 20_000,
      tuning,
      options.clock ?? systemClock,
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Read-model store on schema ${this.schema} is closed`);
  }

  async applyBatch(events: readonly RecordedEvent[]): Promise<ApplyBatchResult> {
    this.assertOpen();
    const batch = decodeBatch(events);
    const { projection, checkpoint } = await this.inLane((lane) =>
      retryingConflicts(() =>
        inTransaction(this.pool, (client) => this.writer.applyBatch(client, batch, this.stateCache, lane)),
      ),
    );
    for (const [streamId, advanced] of projection.advanced) this.stateCache.set(streamId, advanced);
    const { applied, skipped, ignored } = projection;
    return { applied, skipped, ignored, quarantined: projection.quarantined, checkpoint };
  }

  async quarantineStream(event: QuarantinedEvent, reason: string, options: QuarantineOptions = {}): Promise<boolean> {
    this.assertOpen();
    return this.inLane((lane) =>
      retryingConflicts(() =>
        inTransaction(this.pool, (client) => this.writer.quarantineStream(client, event, reason, options, lane)),
      ),
    );
  }

  /**
   * Runs `write` with a checkpoint lane no other write of this store holds meanwhile: as many lanes as writes ever ran
   * at once (the projector's partitions applied concurrently). Another process's store numbers its lanes the same
   * way: its writes may wait for this one's on a shared lane row, as they would on one checkpoint row.
   */
  private async inLane<Result>(write: (lane: number) => Promise<Result>): Promise<Result> {
    const lane = this.freeLanes.pop() ?? ++this.lanes;
    try {
      return await write(lane);
    } finally {
      this.freeLanes.push(lane);
    }
  }

  async checkpoint(): Promise<ReadModelCheckpoint> {
    this.assertOpen();
    return this.reports.checkpoint();
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

  async layout(): Promise<ReadModelLayout> {
    this.assertOpen();
    return this.reports.layout();
  }

  async beginRebuild(): Promise<RebuildingReadModelStore> {
    this.assertOpen();
    return PostgresRebuild.begin({
      pool: this.pool,
      liveSchema: this.schema,
      rebuildId: newRebuildId(this.clock),
      clock: this.clock,
      tuning: this.rebuildTuning,
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
