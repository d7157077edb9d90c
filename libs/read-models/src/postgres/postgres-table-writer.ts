/**
 * Writes one generation of the read-model tables (one schema): a batch's row changes with multi-row statements, and
 * the bookkeeping beside them — each stream's last applied revision and folded state, the checkpoint, the quarantine.
 * Every method runs on the connection it is given, inside the caller's transaction. A method issues all its
 * statements before it awaits any (the connection pipelines them: postgres-transaction), so a caller that starts
 * several methods at once sends their statements together, in the order it started them.
 *
 * The checkpoint is kept in lanes: rows of projection_checkpoint that each hold the greatest position and the count
 * of the batches written through them. Transactions that run at once write different lanes (the caller picks them),
 * so partitions applied concurrently do not queue on one row until the other commits. The checkpoint is the
 * greatest position of all lanes, with its recordedAt, and the sum of their counts: the same figures one row would
 * hold, since both are the same whatever the order of the batches. Lane 1 also carries the layout stamp.
 */
import { type Clock } from '@lib/event-sourcing';
import { type Pool, type PoolClient } from 'pg';
import {
  projectBatch,
  type BatchProjection,
  type CheckpointAdvance,
  type DecodedBatch,
  type StreamProgress,
} from '../projections/project-batch';
import { recordedAtOf } from '../projections/projection-event';
import { decodeProjectedState, encodeProjectedState } from '../projections/stream-progress';
import { isCounterTable, type ChangeSet } from '../projections/row-changes';
import { type ReadModelRows, type ReadModelTable } from '../read-model-rows';
import { type QuarantinedEvent, type QuarantineOptions, type ReadModelCheckpoint } from '../read-model-store';
import {
  CHECKPOINT_TABLE,
  QUARANTINE_TABLE,
  rowKey,
  STREAM_REVISIONS_TABLE,
  type TableDefinition,
} from '../read-model-tables';
import { toCheckpoint, type CheckpointRow } from '../sql/read-model-bookkeeping';
import { definitionOf, keyColumnsOf, upsertAssignments, type ColumnTypes } from '../sql/table-sql';
import { type StateCache } from '../state-cache';
import { chunks, columnArrays, joinStates, ROWS_PER_STATEMENT, statesParameter } from './postgres-array-parameters';
import { tablesOf, type QualifiedTable } from './postgres-schema';
import { ConcurrentStreamWriteError, sentTogether } from './postgres-transaction';

type Connection = Pool | PoolClient;

/** A statement and its parameters. */
interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

const CAST_TYPES: ColumnTypes = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  date: 'date',
  boolean: 'boolean',
};

interface RowStatements {
  upserts(rows: readonly object[]): Statement[];
  deletes(keys: readonly object[]): Statement[];
}

/**
 * Row changes travel as one array per column (unnest): PostgreSQL parses arrays faster than the JSON of
 * json_to_recordset (measured ~20 % faster for premium_installments) or a VALUES list with thousands of parameters
 * (~3× faster).
 */
function rowStatements(table: QualifiedTable, definition: TableDefinition<unknown>): RowStatements {
  const name = table(definition.name);
  const arrays = (fields: readonly string[]) =>
    fields
      .map((field, index) => {
        const column = definition.columns.find((candidate) => candidate.field === field)!;
        return `$${index + 1}::${CAST_TYPES[column.type]}[]`;
      })
      .join(', ');
  const fields = definition.columns.map((column) => column.field);
  const columns = definition.columns.map((column) => column.column);
  const keyColumns = keyColumnsOf(definition);
  const upsert =
    `INSERT INTO ${name} AS target (${columns.join(', ')}) SELECT * FROM unnest(${arrays(fields)}) ` +
    `ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${upsertAssignments(definition, 'target')}`;
  const remove =
    `DELETE FROM ${name} AS target USING unnest(${arrays(definition.primaryKey)}) AS x(${keyColumns.join(', ')}) ` +
    `WHERE ${keyColumns.map((column) => `target.${column} = x.${column}`).join(' AND ')}`;
  return {
    upserts: (rows) => chunks(rows).map((chunk) => ({ text: upsert, values: columnArrays(chunk, fields) })),
    deletes: (keys) =>
      chunks(keys).map((chunk) => ({ text: remove, values: columnArrays(chunk, definition.primaryKey) })),
  };
}

const quarantinedCount = (table: QualifiedTable) =>
  `(SELECT count(*) FROM ${table(QUARANTINE_TABLE)}) AS quarantined_streams`;

/**
 * The checkpoint of the generation whose tables `table` names (its lanes summed up), with its count of quarantined
 * streams.
 */
export async function readCheckpoint(connection: Connection, table: QualifiedTable): Promise<ReadModelCheckpoint> {
  const lanes = table(CHECKPOINT_TABLE);
  const { rows } = await connection.query<CheckpointRow>(
    `SELECT latest.position, latest.last_recorded_at, totals.events_applied, ${quarantinedCount(table)} ` +
      `FROM (SELECT sum(events_applied) AS events_applied FROM ${lanes}) totals LEFT JOIN LATERAL (` +
      `SELECT position, last_recorded_at FROM ${lanes} WHERE position IS NOT NULL ORDER BY position DESC LIMIT 1` +
      `) latest ON true`,
  );
  return toCheckpoint(rows[0]);
}

function inKeyOrder<Table extends ReadModelTable>(table: Table, rows: readonly ReadModelRows[Table][]) {
  return rows
    .map((row) => ({ key: rowKey(table, row), row }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ row }) => row);
}

/** What a batch did, once its transaction commits. */
interface AppliedBatch {
  readonly projection: BatchProjection;
  readonly checkpoint: ReadModelCheckpoint;
}

export class PostgresTableWriter {
  readonly table: QualifiedTable;
  private readonly statements = new Map<ReadModelTable, RowStatements>();

  constructor(
    schema: string,
    private readonly clock: Clock,
  ) {
    this.table = tablesOf(schema);
  }

  /**
   * Reads the batch's rows of projection_stream_revisions and quarantine, projects the events newer than each
   * stream's last applied revision, records the streams' new revisions and states (only where the stored revision is
   * still the one read: else ConcurrentStreamWriteError), writes every table's changes and advances the checkpoint
   * lane `lane` (one no other transaction writes meanwhile). Two round trips (with the caller's BEGIN pipelined
   * before the reads, and its COMMIT a third): the reads together, then every write together, in the lock order of
   * quarantineStream and of the rebuild's swap (progress rows first). The caller puts the advanced states into
   * `cache` once the transaction has committed.
   */
  async applyBatch(client: PoolClient, batch: DecodedBatch, cache: StateCache, lane: number): Promise<AppliedBatch> {
    const [progress, quarantined] = await Promise.all([
      this.readProgress(client, batch.streamIds, cache),
      this.quarantinedAmong(client, batch.streamIds),
    ]);
    const projection = projectBatch(
      batch,
      (streamId) => progress.get(streamId),
      (streamId) => quarantined.get(streamId),
    );
    const [, , , checkpoint] = await sentTogether(client, () =>
      Promise.all([
        this.release(client, projection.released),
        this.writeProgress(client, projection, progress),
        this.writeChanges(client, projection.changes),
        projection.checkpoint === null
          ? readCheckpoint(client, this.table)
          : this.advanceCheckpoint(client, lane, projection.checkpoint, projection.applied),
      ]),
    );
    return { projection, checkpoint };
  }

  /** A quarantine from another writer of the tables: see ReadModelWriter.quarantineStream. */
  async quarantineStream(
    client: PoolClient,
    event: QuarantinedEvent,
    reason: string,
    options: QuarantineOptions,
    lane: number,
  ): Promise<boolean> {
    // The stream's progress row first, locked: the lock order of applyBatch and of the rebuild's swap (no
    // deadlock), and a writer applying this revision right now is waited for and then seen.
    const { rows } = await client.query<{ revision: number }>(
      `SELECT revision FROM ${this.table(STREAM_REVISIONS_TABLE)} WHERE stream_id = $1 FOR UPDATE`,
      [event.streamId],
    );
    if (rows.length > 0 && rows[0].revision >= event.revision) return false;
    const quarantined = await this.insertQuarantine(client, event, reason);
    if (options.moveCheckpoint) {
      await this.advanceCheckpoint(client, lane, { position: event.position, recordedAt: recordedAtOf(event) }, 0);
    }
    return quarantined;
  }

  /**
   * Records the quarantine (the first one of a stream stays), stamped with the clock.
   * @returns whether the stream was not quarantined yet.
   */
  async insertQuarantine(connection: Connection, event: QuarantinedEvent, reason: string): Promise<boolean> {
    const { rowCount } = await connection.query(
      `INSERT INTO ${this.table(QUARANTINE_TABLE)} (stream_id, revision, event_type, position, reason, quarantined_at) ` +
        `VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (stream_id) DO NOTHING`,
      [event.streamId, event.revision, event.type, event.position, reason, this.clock.now()],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Lifts the quarantine of streams whose quarantined revision applied. */
  async release(connection: Connection, streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    await connection.query(`DELETE FROM ${this.table(QUARANTINE_TABLE)} WHERE stream_id = ANY($1::text[])`, [
      streamIds,
    ]);
  }

  /** Every table's merged changes. */
  async writeChanges(client: PoolClient, changes: ChangeSet): Promise<void> {
    const written: Promise<unknown>[] = [];
    for (const table of changes.tables()) {
      let statements = this.statements.get(table);
      if (!statements) {
        statements = rowStatements(this.table, definitionOf(table));
        this.statements.set(table, statements);
      }
      const { upserts, deletes } = changes.changesOf(table);
      // Counter rows are shared by streams of every partition: batches applied at once lock them in key order, so
      // that one waits for the other instead of both deadlocking (detected after a second, then retried).
      const rows = isCounterTable(table) ? inKeyOrder(table, upserts) : upserts;
      // A key is in one list only (the ChangeSet merged them), so the order of the statements does not matter.
      for (const statement of [...statements.deletes(deletes), ...statements.upserts(rows)]) {
        written.push(client.query(statement.text, statement.values));
      }
    }
    await Promise.all(written);
  }

  /** The streams' states as they are, unchecked (for the tables' only writer: a rebuild). */
  async writeStates(client: PoolClient, states: readonly (readonly [string, StreamProgress])[]): Promise<void> {
    const written: Promise<unknown>[] = [];
    for (let start = 0; start < states.length; start += ROWS_PER_STATEMENT) {
      const chunk = states.slice(start, start + ROWS_PER_STATEMENT);
      const statement = client.query(
        `INSERT INTO ${this.table(STREAM_REVISIONS_TABLE)} (stream_id, revision, folded_state) ` +
          `SELECT * FROM unnest($1::text[], $2::integer[], ${statesParameter('$3')}) ` +
          `ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, folded_state = EXCLUDED.folded_state`,
        [
          chunk.map(([streamId]) => streamId),
          chunk.map(([, progress]) => progress.revision),
          joinStates(chunk.map(([, progress]) => encodeProjectedState(progress.folded))),
        ],
      );
      written.push(statement);
    }
    await Promise.all(written);
  }

  /** The stored states of the streams (absent: nothing applied). */
  async readStates(connection: Connection, streamIds: readonly string[]): Promise<Map<string, StreamProgress>> {
    const { rows } = await connection.query<{ stream_id: string; revision: number; folded_state: string }>(
      `SELECT stream_id, revision, folded_state FROM ${this.table(STREAM_REVISIONS_TABLE)} WHERE stream_id = ANY($1::text[])`,
      [streamIds],
    );
    return new Map(
      rows.map((row) => [row.stream_id, { revision: row.revision, folded: decodeProjectedState(row.folded_state) }]),
    );
  }

  /** Sets the checkpoint as it is, in lane 1 (for the tables' only writer, a rebuild: its tables have no other lane). */
  async writeCheckpoint(client: PoolClient, checkpoint: ReadModelCheckpoint): Promise<void> {
    await client.query(
      `UPDATE ${this.table(CHECKPOINT_TABLE)} SET position = $1, last_recorded_at = $2, events_applied = $3 WHERE id = 1`,
      [checkpoint.position, checkpoint.lastRecordedAt, checkpoint.eventsApplied],
    );
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

  /** The batch's stream progress; states come from the cache when its revision is still the stored one. */
  private async readProgress(
    client: PoolClient,
    streamIds: readonly string[],
    cache: StateCache,
  ): Promise<Map<string, StreamProgress>> {
    const progress = new Map<string, StreamProgress>();
    if (streamIds.length === 0) return progress;
    const cachedIds: string[] = [];
    const cachedRevisions: number[] = [];
    for (const streamId of streamIds) {
      const entry = cache.get(streamId);
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
        row.folded_state === null ? cache.get(row.stream_id)?.folded : decodeProjectedState(row.folded_state);
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
      const state = encodeProjectedState(folded);
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
    const creation =
      created[0].length === 0
        ? undefined
        : client.query(
            `INSERT INTO ${table} (stream_id, revision, folded_state) ` +
              `SELECT * FROM unnest($1::text[], $2::integer[], ${statesParameter('$3')}) ON CONFLICT (stream_id) DO NOTHING`,
            [created[0], created[1], joinStates(created[2])],
          );
    const update =
      updated[0].length === 0
        ? undefined
        : client.query(
            `UPDATE ${table} AS r SET revision = x.revision, folded_state = x.state ` +
              `FROM unnest($1::text[], $2::integer[], $3::integer[], ${statesParameter('$4')}) AS x(stream_id, revision, expected, state) ` +
              `WHERE r.stream_id = x.stream_id COLLATE "C" AND r.revision = x.expected`,
            [updated[0], updated[1], updated[2], joinStates(updated[3])],
          );
    const [createdRows, updatedRows] = await Promise.all([creation, update]);
    if (createdRows !== undefined && createdRows.rowCount !== created[0].length) {
      throw new ConcurrentStreamWriteError('Another writer created the progress of a stream in this batch');
    }
    if (updatedRows !== undefined && updatedRows.rowCount !== updated[0].length) {
      throw new ConcurrentStreamWriteError('Another writer advanced a stream of this batch');
    }
  }

  /** Moves lane `lane` to `to` (unless it is further already) and counts `applied` there; returns the checkpoint. */
  private async advanceCheckpoint(
    client: PoolClient,
    lane: number,
    to: CheckpointAdvance,
    applied: number,
  ): Promise<ReadModelCheckpoint> {
    const further = `lane.position IS NULL OR EXCLUDED.position > lane.position`;
    const advanced = client.query(
      `INSERT INTO ${this.table(CHECKPOINT_TABLE)} AS lane (id, position, last_recorded_at, events_applied) ` +
        `VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET ` +
        `position = CASE WHEN ${further} THEN EXCLUDED.position ELSE lane.position END, ` +
        `last_recorded_at = CASE WHEN ${further} THEN EXCLUDED.last_recorded_at ELSE lane.last_recorded_at END, ` +
        `events_applied = lane.events_applied + EXCLUDED.events_applied`,
      [lane, to.position, to.recordedAt, applied],
    );
    const [, checkpoint] = await Promise.all([advanced, readCheckpoint(client, this.table)]);
    return checkpoint;
  }
}
