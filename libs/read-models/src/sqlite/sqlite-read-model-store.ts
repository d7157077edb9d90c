/**
 * The SQLite read-model store of the embedded mode (`$DATA_DIR/read-models.sqlite`, WAL). `node:sqlite` is
 * synchronous, so a batch is one `BEGIN IMMEDIATE … COMMIT` that nothing else in the process can interleave with;
 * another process (e.g. `policyctl rebuild`) waits on the write lock (busy_timeout).
 *
 * Rebuild: fresh tables in the same file under the prefix `rb_<id>__`; completing renames the live tables away and
 * the fresh ones into their place inside one transaction, so readers (WAL snapshots) see the old or the new model.
 * The replaced tables' pages (about half the file) are then given back to the file system (`reclaimFreePages`).
 *
 * Layout: a new file's tables, and a rebuild's, are stamped with the current layout version in the checkpoint row
 * (layout_version); opening a file leaves its stamp as it is (`layout()` tells an older one).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { type Clock, type RecordedEvent } from '@lib/event-sourcing';
import { decodeBatch, projectBatch, type StreamProgress } from '../projections/project-batch';
import { recordedAtOf } from '../projections/projection-event';
import { decodeProjectedState, encodeProjectedState } from '../projections/stream-progress';
import {
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
import { ALL_TABLE_NAMES, CHECKPOINT_TABLE, QUARANTINE_TABLE, STREAM_REVISIONS_TABLE } from '../read-model-tables';
import { READ_MODEL_LAYOUT_VERSION } from '../read-model-layout';
import {
  assertRebuildCaughtUp,
  layoutOf,
  systemClock,
  toCheckpoint,
  type CheckpointRow,
} from '../sql/read-model-bookkeeping';
import * as queries from '../sql/report-queries';
import { SqlReportReader } from '../sql/sql-report-reader';
import { newRebuildId } from '../sql/sql-text';
import {
  definitionOf,
  indexDdl,
  keyColumnsOf,
  TABLE_DEFINITIONS,
  tableBodyDdl,
  upsertAssignments,
  type ColumnTypes,
} from '../sql/table-sql';
import { StateCache } from '../state-cache';

export const SQLITE_READ_MODELS_FILE = 'read-models.sqlite';

interface SqliteReadModelStoreOptions {
  /** The database file; default `<dataDir>/read-models.sqlite`. */
  readonly path?: string;
  /** `$DATA_DIR`; default `./data`. */
  readonly dataDir?: string;
  /** Folded stream states kept in memory between batches; default 20 000. */
  readonly stateCacheSize?: number;
  /** Time of quarantines and rebuild ids; default the system clock. */
  readonly clock?: Clock;
}

/**
 * WAL lets report readers run beside the projector. synchronous=NORMAL: a read model is derived data; a commit lost
 * to a power cut is re-applied from the checkpoint, which is lost with it. auto_vacuum=INCREMENTAL takes effect only
 * in a new file (it must precede journal_mode, which writes the header): it lets `reclaimFreePages` release free
 * pages in short steps; an older file keeps NONE until its first reclaim converts it. busy_timeout comes first: the
 * file may be open in another connection already (the embedded projection's worker thread), whose write transaction
 * would otherwise fail the pragmas after it at once with "database is locked".
 */
const PRAGMAS = `
  PRAGMA busy_timeout = 10000;
  PRAGMA auto_vacuum = INCREMENTAL;
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  PRAGMA cache_size = -32000;
`;

const SQLITE_COLUMN_TYPES: ColumnTypes = {
  text: 'TEXT',
  integer: 'INTEGER',
  bigint: 'INTEGER',
  date: 'TEXT',
  boolean: 'INTEGER',
};

type SqlRow = Record<string, SQLInputValue>;

const AUTO_VACUUM = { none: 0, full: 1, incremental: 2 } as const;
/** Pages released per step (16 MB at the default 4 KiB page): a concurrent writer waits for one step at most. */
const RECLAIM_STEP_PAGES = 4096;

function pragmaNumber(db: DatabaseSync, pragma: 'auto_vacuum' | 'freelist_count'): number {
  return Number((db.prepare(`PRAGMA ${pragma}`).get() as Record<string, number>)[pragma]);
}

/**
 * Gives the free pages (left by dropped tables) back to the file system, after a rebuild's swap or abandonment:
 * without it the file keeps the size of both models. A file with auto_vacuum=INCREMENTAL releases them in steps of
 * RECLAIM_STEP_PAGES, each its own short write transaction; an older file (NONE) is converted once by a VACUUM, which
 * holds the write lock while it copies the live pages. A passive checkpoint then lets the file shrink on disk.
 * Best effort: the swap has committed, so a failure here (e.g. another writer holding the lock past busy_timeout)
 * only leaves the pages for the next rebuild.
 */
function reclaimFreePages(db: DatabaseSync): void {
  try {
    const mode = pragmaNumber(db, 'auto_vacuum');
    if (mode === AUTO_VACUUM.none) {
      db.exec(`PRAGMA auto_vacuum = INCREMENTAL`);
      db.exec('VACUUM');
    } else if (mode === AUTO_VACUUM.incremental) {
      // Stops when nothing is left, or when a step released nothing (another writer freeing pages meanwhile).
      for (let free = pragmaNumber(db, 'freelist_count'); free > 0;) {
        db.exec(`PRAGMA incremental_vacuum(${RECLAIM_STEP_PAGES})`);
        const left = pragmaNumber(db, 'freelist_count');
        if (left >= free) break;
        free = left;
      }
    }
    db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
  } catch {
    // See above: the pages stay free in the file until the next reclaim.
  }
}

function tableExists(db: DatabaseSync, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/**
 * Creates the tables under `prefix`; indexes only with a new table (after a swap they keep their rebuild names). A new
 * generation (none of its tables existed) is stamped with the current layout; tables that existed keep their stamp,
 * or none when they are older than layout versions (see ReadModelLayout).
 */
function createTables(db: DatabaseSync, prefix: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const fresh = ALL_TABLE_NAMES.every((name) => !tableExists(db, `${prefix}${name}`));
    for (const definition of TABLE_DEFINITIONS) {
      const name = `${prefix}${definition.name}`;
      if (tableExists(db, name)) continue;
      db.exec(`CREATE TABLE ${name} (${tableBodyDdl(definition, SQLITE_COLUMN_TYPES)}) STRICT`);
      for (const statement of indexDdl(definition, { table: name, indexPrefix: name, ifNotExists: false })) {
        db.exec(statement);
      }
    }
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${prefix}${STREAM_REVISIONS_TABLE} (` +
        `stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, folded_state TEXT NOT NULL) STRICT, WITHOUT ROWID`,
    );
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${prefix}${CHECKPOINT_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), ` +
        `position TEXT, last_recorded_at TEXT, events_applied INTEGER NOT NULL DEFAULT 0, layout_version TEXT) STRICT`,
    );
    db.exec(`INSERT INTO ${prefix}${CHECKPOINT_TABLE} (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
    if (fresh) {
      db.prepare(`UPDATE ${prefix}${CHECKPOINT_TABLE} SET layout_version = ? WHERE id = 1`).run(
        READ_MODEL_LAYOUT_VERSION,
      );
    }
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${prefix}${QUARANTINE_TABLE} (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, ` +
        `event_type TEXT NOT NULL, position TEXT NOT NULL, reason TEXT NOT NULL, quarantined_at TEXT NOT NULL) ` +
        `STRICT, WITHOUT ROWID`,
    );
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

interface TableStatements {
  readonly upsert: StatementSync;
  readonly delete: StatementSync;
  readonly fields: readonly string[];
  readonly booleans: ReadonlySet<string>;
  readonly keyFields: readonly string[];
}

interface QuarantineRow {
  stream_id: string;
  revision: number;
  event_type: string;
  position: string;
  reason: string;
  quarantined_at: string;
}

function toQuarantinedStream(row: QuarantineRow): QuarantinedStream {
  return {
    streamId: row.stream_id,
    revision: Number(row.revision),
    eventType: row.event_type,
    position: row.position,
    reason: row.reason,
    quarantinedAt: row.quarantined_at,
  };
}

/** Reads and writes one generation of the read-model tables (one table-name prefix). */
abstract class SqliteReadModelTables extends SqlReportReader {
  private readonly tableStatements = new Map<ReadModelTable, TableStatements>();
  private readonly queryStatements = new Map<string, StatementSync>();
  private readonly stateCache: StateCache;
  private readonly progressStatements: {
    readonly select: StatementSync;
    readonly revisionsOf: StatementSync;
    readonly upsert: StatementSync;
    readonly checkpoint: StatementSync;
    readonly advance: StatementSync;
    readonly quarantinedOf: StatementSync;
    readonly quarantine: StatementSync;
    readonly release: StatementSync;
    readonly quarantined: StatementSync;
    readonly quarantinedAmongIds: StatementSync;
  };
  protected closed = false;

  protected constructor(
    protected readonly db: DatabaseSync,
    protected readonly prefix: string,
    stateCacheSize: number,
    protected readonly clock: Clock,
  ) {
    super();
    this.stateCache = new StateCache(stateCacheSize);
    const revisions = `${prefix}${STREAM_REVISIONS_TABLE}`;
    const checkpoint = `${prefix}${CHECKPOINT_TABLE}`;
    const quarantine = `${prefix}${QUARANTINE_TABLE}`;
    this.progressStatements = {
      select: db.prepare(`SELECT revision, folded_state FROM ${revisions} WHERE stream_id = ?`),
      // The ids travel as one JSON array: one statement whatever their number.
      revisionsOf: db.prepare(
        `SELECT stream_id, revision FROM ${revisions} WHERE stream_id IN (SELECT value FROM json_each(?))`,
      ),
      upsert: db.prepare(
        `INSERT INTO ${revisions} (stream_id, revision, folded_state) VALUES (?, ?, ?) ` +
          `ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, folded_state = excluded.folded_state`,
      ),
      checkpoint: db.prepare(
        `SELECT position, last_recorded_at, events_applied, ` +
          `(SELECT count(*) FROM ${quarantine}) AS quarantined_streams FROM ${checkpoint} WHERE id = 1`,
      ),
      advance: db.prepare(
        `UPDATE ${checkpoint} SET ` +
          `last_recorded_at = CASE WHEN position IS NULL OR :position > position THEN :recordedAt ELSE last_recorded_at END, ` +
          `position = CASE WHEN position IS NULL OR :position > position THEN :position ELSE position END, ` +
          `events_applied = events_applied + :applied WHERE id = 1`,
      ),
      quarantinedOf: db.prepare(
        `SELECT stream_id, revision FROM ${quarantine} WHERE stream_id IN (SELECT value FROM json_each(?))`,
      ),
      quarantine: db.prepare(
        `INSERT INTO ${quarantine} (stream_id, revision, event_type, position, reason, quarantined_at) ` +
          `VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (stream_id) DO NOTHING`,
      ),
      release: db.prepare(`DELETE FROM ${quarantine} WHERE stream_id = ?`),
      quarantined: db.prepare(
        `SELECT stream_id, revision, event_type, position, reason, quarantined_at FROM ${quarantine} ` +
          `ORDER BY stream_id LIMIT ?`,
      ),
      quarantinedAmongIds: db.prepare(
        `SELECT stream_id, revision, event_type, position, reason, quarantined_at FROM ${quarantine} ` +
          `WHERE stream_id IN (SELECT value FROM json_each(?)) ORDER BY stream_id LIMIT ?`,
      ),
    };
  }

  protected override readonly table = (name: string): string => `${this.prefix}${name}`;

  protected assertOpen(): void {
    if (this.closed) throw new Error(`Read-model store (tables ${this.prefix || 'live'}) is closed`);
  }

  private statementsOf(table: ReadModelTable): TableStatements {
    let statements = this.tableStatements.get(table);
    if (statements) return statements;
    const definition = definitionOf(table);
    const name = this.table(definition.name);
    const keyColumns = keyColumnsOf(definition);
    const set = upsertAssignments(definition, name);
    statements = {
      upsert: this.db.prepare(
        `INSERT INTO ${name} (${definition.columns.map((column) => column.column).join(', ')}) ` +
          `VALUES (${definition.columns.map(() => '?').join(', ')}) ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${set}`,
      ),
      delete: this.db.prepare(`DELETE FROM ${name} WHERE ${keyColumns.map((column) => `${column} = ?`).join(' AND ')}`),
      fields: definition.columns.map((column) => column.field),
      booleans: new Set(definition.columns.filter((column) => column.type === 'boolean').map((column) => column.field)),
      keyFields: definition.primaryKey,
    };
    this.tableStatements.set(table, statements);
    return statements;
  }

  private loadProgress(streamId: string): StreamProgress | undefined {
    const row = this.progressStatements.select.get(streamId) as { revision: number; folded_state: string } | undefined;
    if (row === undefined) return undefined;
    const cached = this.stateCache.get(streamId);
    if (cached !== undefined && cached.revision === row.revision) return cached;
    return { revision: row.revision, folded: decodeProjectedState(row.folded_state) };
  }

  async applyBatch(events: readonly RecordedEvent[]): Promise<ApplyBatchResult> {
    this.assertOpen();
    const batch = decodeBatch(events);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const progress = new Map<string, StreamProgress | undefined>();
      for (const streamId of batch.streamIds) progress.set(streamId, this.loadProgress(streamId));
      const quarantined = this.quarantinedAmong(batch.streamIds);
      const projection = projectBatch(
        batch,
        (streamId) => progress.get(streamId),
        (streamId) => quarantined.get(streamId),
      );
      for (const streamId of projection.released) this.progressStatements.release.run(streamId);
      for (const [streamId, { revision, folded }] of projection.advanced) {
        this.progressStatements.upsert.run(streamId, revision, encodeProjectedState(folded));
      }
      for (const table of projection.changes.tables()) {
        const statements = this.statementsOf(table);
        const { upserts, deletes } = projection.changes.changesOf(table);
        for (const key of deletes as SqlRow[])
          statements.delete.run(...statements.keyFields.map((field) => key[field]!));
        for (const row of upserts as unknown as SqlRow[]) {
          statements.upsert.run(
            ...statements.fields.map((field) => {
              const value = row[field] ?? null;
              return statements.booleans.has(field) ? (value ? 1 : 0) : value;
            }),
          );
        }
      }
      if (projection.checkpoint !== null) {
        this.progressStatements.advance.run({
          position: projection.checkpoint.position,
          recordedAt: projection.checkpoint.recordedAt,
          applied: projection.applied,
        });
      }
      const checkpoint = this.readCheckpoint();
      this.db.exec('COMMIT');
      for (const [streamId, advanced] of projection.advanced) this.stateCache.set(streamId, advanced);
      const { applied, skipped, ignored } = projection;
      return { applied, skipped, ignored, quarantined: projection.quarantined, checkpoint };
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** The quarantined streams of a batch, with the revision each is quarantined at. */
  private quarantinedAmong(streamIds: readonly string[]): Map<string, number> {
    if (streamIds.length === 0) return new Map();
    const rows = this.progressStatements.quarantinedOf.all(JSON.stringify(streamIds)) as {
      stream_id: string;
      revision: number;
    }[];
    return new Map(rows.map((row) => [row.stream_id, Number(row.revision)]));
  }

  async quarantineStream(event: QuarantinedEvent, reason: string, options: QuarantineOptions = {}): Promise<boolean> {
    this.assertOpen();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const { streamId, revision, type, position } = event;
      const applied = this.progressStatements.select.get(streamId) as { revision: number } | undefined;
      // Another instance applied the revision meanwhile: nothing to hold back.
      if (applied !== undefined && applied.revision >= revision) {
        this.db.exec('COMMIT');
        return false;
      }
      const { changes } = this.progressStatements.quarantine.run(
        streamId,
        revision,
        type,
        position,
        reason,
        this.clock.now(),
      );
      if (options.moveCheckpoint) {
        this.progressStatements.advance.run({ position, recordedAt: recordedAtOf(event), applied: 0 });
      }
      this.db.exec('COMMIT');
      return Number(changes) > 0;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async quarantinedStreams(query: QuarantinedStreamsQuery = {}): Promise<QuarantinedStream[]> {
    this.assertOpen();
    const limit = query.limit ?? 1000;
    const rows =
      query.streamIds === undefined
        ? this.progressStatements.quarantined.all(limit)
        : this.progressStatements.quarantinedAmongIds.all(JSON.stringify(query.streamIds), limit);
    return (rows as unknown as QuarantineRow[]).map(toQuarantinedStream);
  }

  protected readCheckpoint(): ReadModelCheckpoint {
    return toCheckpoint(this.progressStatements.checkpoint.get() as CheckpointRow | undefined);
  }

  async checkpoint(): Promise<ReadModelCheckpoint> {
    this.assertOpen();
    return this.readCheckpoint();
  }

  private run<Row extends object>(query: queries.SqlQuery): Row[] {
    let statement = this.queryStatements.get(query.text);
    if (!statement) {
      statement = this.db.prepare(query.text);
      if (this.queryStatements.size < 200) this.queryStatements.set(query.text, statement);
    }
    const rows = statement.all(query.params as Record<string, SQLInputValue>) as Record<string, unknown>[];
    return rows.map((row) => {
      const plain: Record<string, unknown> = { ...row };
      for (const field of query.booleanFields) plain[field] = plain[field] === 1;
      return plain as Row;
    });
  }

  protected override async page<Row extends object>(query: queries.SqlQuery): Promise<ReportPage<Row>> {
    this.assertOpen();
    // One read transaction: the checkpoint and the rows come from the same snapshot.
    this.db.exec('BEGIN');
    try {
      const checkpoint = this.readCheckpoint();
      const page = queries.toPage(this.run<Row>(query), query);
      return { ...page, checkpoint };
    } finally {
      this.db.exec('COMMIT');
    }
  }

  async policySummary(policyId: string): Promise<PolicySummaryRow | null> {
    this.assertOpen();
    const [row] = this.run<PolicySummaryRow>(queries.policySummaryQuery(this.table, policyId));
    return row ?? null;
  }

  async streamRevisions(streamIds: readonly string[]): Promise<Map<string, number>> {
    this.assertOpen();
    const revisions = new Map<string, number>();
    if (streamIds.length === 0) return revisions;
    const rows = this.progressStatements.revisionsOf.all(JSON.stringify(streamIds)) as {
      stream_id: string;
      revision: number;
    }[];
    for (const row of rows) revisions.set(row.stream_id, Number(row.revision));
    return revisions;
  }

  async policiesOfAgent(agentId: string): Promise<string[]> {
    this.assertOpen();
    return this.run<{ policyId: string }>(queries.policiesOfAgentQuery(this.table, agentId)).map((row) => row.policyId);
  }
}

export class SqliteReadModelStore extends SqliteReadModelTables implements ReadModelStore {
  readonly kind = 'sqlite' as const;

  private constructor(
    db: DatabaseSync,
    private readonly stateCacheSize: number,
    clock: Clock,
  ) {
    super(db, '', stateCacheSize, clock);
  }

  /** Opens (creating when missing) the database file and its tables. */
  static open(options: SqliteReadModelStoreOptions = {}): SqliteReadModelStore {
    const path = options.path ?? join(options.dataDir ?? './data', SQLITE_READ_MODELS_FILE);
    mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    try {
      db.exec(PRAGMAS);
      createTables(db, '');
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteReadModelStore(db, options.stateCacheSize ?? 20_000, options.clock ?? systemClock);
  }

  async layout(): Promise<ReadModelLayout> {
    this.assertOpen();
    // `*`: tables from before layout versions have no layout_version column.
    const row = this.db.prepare(`SELECT * FROM ${CHECKPOINT_TABLE} WHERE id = 1`).get() as
      { layout_version?: string | null } | undefined;
    return layoutOf(row?.layout_version);
  }

  async beginRebuild(): Promise<RebuildingReadModelStore> {
    this.assertOpen();
    const rebuildId = newRebuildId(this.clock);
    const prefix = `rb_${rebuildId}__`;
    createTables(this.db, prefix);
    return new SqliteRebuild(this.db, prefix, rebuildId, this.stateCacheSize, this.clock);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

class SqliteRebuild extends SqliteReadModelTables implements RebuildingReadModelStore {
  constructor(
    db: DatabaseSync,
    prefix: string,
    readonly rebuildId: string,
    stateCacheSize: number,
    clock: Clock,
  ) {
    super(db, prefix, stateCacheSize, clock);
  }

  async completeRebuild(options: CompleteRebuildOptions = {}): Promise<void> {
    this.assertOpen();
    const retiredPrefix = `rt_${this.rebuildId}__`;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (!options.allowBehindLive && tableExists(this.db, CHECKPOINT_TABLE)) {
        const live = this.db
          .prepare(`SELECT position, last_recorded_at, events_applied FROM ${CHECKPOINT_TABLE}`)
          .get();
        assertRebuildCaughtUp(this.readCheckpoint().position, toCheckpoint(live as CheckpointRow | undefined).position);
      }
      for (const name of ALL_TABLE_NAMES) {
        if (tableExists(this.db, name)) {
          this.db.exec(`ALTER TABLE ${name} RENAME TO ${retiredPrefix}${name}`);
          if (!options.keepReplaced) this.db.exec(`DROP TABLE ${retiredPrefix}${name}`);
        }
        this.db.exec(`ALTER TABLE ${this.prefix}${name} RENAME TO ${name}`);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    this.closed = true;
    reclaimFreePages(this.db);
  }

  async abandonRebuild(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const name of ALL_TABLE_NAMES) this.db.exec(`DROP TABLE IF EXISTS ${this.prefix}${name}`);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    reclaimFreePages(this.db);
  }
}
