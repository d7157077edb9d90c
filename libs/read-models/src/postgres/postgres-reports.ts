/**
 * The reads of one generation of the read-model tables (one schema): reports and scheduler queries (their SQL is
 * report-queries'), policy summaries, stream revisions, the quarantine and the checkpoint.
 */
import { type Pool } from 'pg';
import { type PolicySummaryRow } from '../read-model-rows';
import {
  type QuarantinedStream,
  type QuarantinedStreamsQuery,
  type ReadModelCheckpoint,
  type ReadModelLayout,
  type ReportPage,
} from '../read-model-store';
import { CHECKPOINT_TABLE, QUARANTINE_TABLE, STREAM_REVISIONS_TABLE } from '../read-model-tables';
import { layoutOf } from '../sql/read-model-bookkeeping';
import * as queries from '../sql/report-queries';
import { toPositional } from '../sql/sql-text';
import { type QualifiedTable } from './postgres-schema';
import { readCheckpoint } from './postgres-table-writer';

const QUARANTINE_COLUMNS =
  'stream_id AS "streamId", revision, event_type AS "eventType", position, reason, quarantined_at AS "quarantinedAt"';

export class PostgresReports {
  /**
   * @param beforeRead runs before every read of rows: checks the store is open (and a rebuild writes what it still
   *   buffers).
   */
  constructor(
    private readonly pool: Pool,
    readonly table: QualifiedTable,
    private readonly beforeRead: () => Promise<void>,
  ) {}

  /** One page of a report and the checkpoint it reflects (read first). */
  async page<Row extends object>(query: queries.SqlQuery): Promise<ReportPage<Row>> {
    await this.beforeRead();
    const checkpoint = await this.checkpoint();
    return { ...queries.toPage(await this.rows<Row>(query), query), checkpoint };
  }

  checkpoint(): Promise<ReadModelCheckpoint> {
    return readCheckpoint(this.pool, this.table);
  }

  async layout(): Promise<ReadModelLayout> {
    // `*`: tables from before layout versions have no layout_version column.
    const { rows } = await this.pool.query<{ layout_version?: string | null }>(
      `SELECT * FROM ${this.table(CHECKPOINT_TABLE)} WHERE id = 1`,
    );
    return layoutOf(rows[0]?.layout_version);
  }

  async policySummary(policyId: string): Promise<PolicySummaryRow | null> {
    await this.beforeRead();
    const [row] = await this.rows<PolicySummaryRow>(queries.policySummaryQuery(this.table, policyId));
    return row ?? null;
  }

  async policiesOfAgent(agentId: string): Promise<string[]> {
    await this.beforeRead();
    const rows = await this.rows<{ policyId: string }>(queries.policiesOfAgentQuery(this.table, agentId));
    return rows.map((row) => row.policyId);
  }

  async streamRevisions(streamIds: readonly string[]): Promise<Map<string, number>> {
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

  async quarantinedStreams(query: QuarantinedStreamsQuery = {}): Promise<QuarantinedStream[]> {
    await this.beforeRead();
    const { rows } = await this.pool.query<QuarantinedStream>(
      `SELECT ${QUARANTINE_COLUMNS} FROM ${this.table(QUARANTINE_TABLE)} ` +
        `WHERE $1::text[] IS NULL OR stream_id = ANY($1::text[]) ORDER BY stream_id LIMIT $2`,
      [query.streamIds ?? null, query.limit ?? 1000],
    );
    return rows;
  }

  private async rows<Row extends object>(query: queries.SqlQuery): Promise<Row[]> {
    const { text, values } = toPositional(query.text, query.params);
    const { rows } = await this.pool.query(text, values);
    return rows as Row[];
  }
}
