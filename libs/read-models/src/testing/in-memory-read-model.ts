/**
 * Test support: applies projected batches to in-memory tables, to unit-test projections by the rows they leave
 * behind (the SQL stores are tested against the same expectations in the integration suite).
 */
import { type RecordedEvent } from '@lib/event-sourcing';
import { decodeBatch, projectBatch, type BatchProjection, type StreamProgress } from '../projections/project-batch';
import { decodeProjectedState, encodeProjectedState } from '../projections/stream-progress';
import { isCounterTable } from '../projections/row-changes';
import { type ReadModelRows, type ReadModelTable } from '../read-model-rows';
import { READ_MODEL_TABLE_NAMES, READ_MODEL_TABLES, rowKey } from '../read-model-tables';

export interface InMemoryReadModelOptions {
  /** Keep each stream's state as the SQL stores store it (encoded, read back for the next batch). */
  readonly storeStates?: boolean;
}

export class InMemoryReadModel {
  private readonly progress = new Map<string, StreamProgress>();

  constructor(private readonly options: InMemoryReadModelOptions = {}) {}

  private readonly tables = new Map<ReadModelTable, Map<string, object>>(
    READ_MODEL_TABLE_NAMES.map((table) => [table, new Map()]),
  );

  apply(events: readonly RecordedEvent[]): BatchProjection {
    const projection = projectBatch(decodeBatch(events), (streamId) => this.progress.get(streamId));
    for (const table of projection.changes.tables()) {
      const rows = this.tables.get(table)!;
      const { upserts, deletes } = projection.changes.changesOf(table);
      for (const key of deletes) rows.delete(rowKey(table, key));
      for (const row of upserts) {
        const key = rowKey(table, row);
        const stored = rows.get(key) as ReadModelRows['servicing_activity'] | undefined;
        if (isCounterTable(table) && stored) {
          const increment = row as ReadModelRows['servicing_activity'];
          rows.set(key, { ...stored, transactions: stored.transactions + increment.transactions });
        } else {
          rows.set(key, row);
        }
      }
    }
    for (const [streamId, advanced] of projection.advanced) {
      this.progress.set(
        streamId,
        this.options.storeStates
          ? { revision: advanced.revision, folded: decodeProjectedState(encodeProjectedState(advanced.folded)) }
          : advanced,
      );
    }
    return projection;
  }

  rows<Table extends ReadModelTable>(table: Table): ReadModelRows[Table][] {
    const keyFields = READ_MODEL_TABLES[table].primaryKey as readonly string[];
    const compare = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
      for (const field of keyFields) {
        const [x, y] = [a[field] as string | number, b[field] as string | number];
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    };
    return ([...this.tables.get(table)!.values()] as Record<string, unknown>[])
      .sort(compare)
      .map((row) => row as unknown as ReadModelRows[Table]);
  }

  rowsOf<Table extends 'premium_installments' | 'survival_benefits' | 'lapses_reinstatements' | 'transfers'>(
    table: Table,
    policyId: string,
  ): ReadModelRows[Table][] {
    return this.rows(table).filter((row) => row.policyId === policyId);
  }
}
