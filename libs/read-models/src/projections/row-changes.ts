/**
 * Row changes: what a projection asks the store to do, as plain data (no SQL). A batch of events yields many
 * changes; `ChangeSet` merges them so that every row is written once per batch (the last change of a key wins,
 * counter increments add up), which is what lets a store write a whole batch with a few multi-row statements.
 */
import { type ReadModelRows, type ReadModelTable } from '../read-model-rows';
import { READ_MODEL_TABLES, rowKey } from '../read-model-tables';

/** Insert the row, or replace the stored row with the same primary key. */
type UpsertChange = {
  readonly [Table in ReadModelTable]: {
    readonly kind: 'upsert';
    readonly table: Table;
    readonly row: ReadModelRows[Table];
  };
}[ReadModelTable];

/** Remove the row with this primary key (if any). */
interface DeleteInstallmentChange {
  readonly kind: 'delete';
  readonly table: 'premium_installments';
  readonly key: { readonly policyId: string; readonly installmentNo: number };
}

/** Add `row.transactions` to the counter of the row's key (creating it at 0 first). */
interface IncrementActivityChange {
  readonly kind: 'increment';
  readonly table: 'servicing_activity';
  readonly row: ReadModelRows['servicing_activity'];
}

export type RowChange = UpsertChange | DeleteInstallmentChange | IncrementActivityChange;

export function upsert<Table extends ReadModelTable>(table: Table, row: ReadModelRows[Table]): RowChange {
  return { kind: 'upsert', table, row } as RowChange;
}

/** The merged changes of one table: each key appears at most once, in upserts or in deletes. */
interface TableChanges<Row> {
  readonly upserts: readonly Row[];
  readonly deletes: readonly Partial<Row>[];
}

type MergedChange = { readonly kind: 'upsert' | 'increment'; row: object } | { readonly kind: 'delete'; row: object };

export class ChangeSet {
  private readonly byTable = new Map<ReadModelTable, Map<string, MergedChange>>();
  private count = 0;

  add(change: RowChange): void {
    this.count++;
    let rows = this.byTable.get(change.table);
    if (!rows) this.byTable.set(change.table, (rows = new Map()));
    const row = change.kind === 'delete' ? change.key : change.row;
    const key = rowKey(change.table, row as never);
    if (change.kind === 'increment') {
      const previous = rows.get(key);
      const base =
        previous?.kind === 'increment' ? (previous.row as ReadModelRows['servicing_activity']).transactions : 0;
      rows.set(key, { kind: 'increment', row: { ...change.row, transactions: base + change.row.transactions } });
      return;
    }
    rows.set(key, { kind: change.kind, row });
  }

  addAll(changes: readonly RowChange[]): void {
    for (const change of changes) this.add(change);
  }

  /** Adds the changes of a later batch: its last change of a key wins, its counter increments add up. */
  merge(later: ChangeSet): void {
    for (const [table, laterRows] of later.byTable) {
      let rows = this.byTable.get(table);
      if (!rows) this.byTable.set(table, (rows = new Map()));
      for (const [key, change] of laterRows) {
        const previous = change.kind === 'increment' ? rows.get(key) : undefined;
        if (previous?.kind === 'increment') {
          const base = (previous.row as ReadModelRows['servicing_activity']).transactions;
          const row = change.row as ReadModelRows['servicing_activity'];
          rows.set(key, { kind: 'increment', row: { ...row, transactions: base + row.transactions } });
        } else {
          rows.set(key, change);
        }
      }
    }
    this.count += later.count;
  }

  /** Number of distinct rows the merged changes write. */
  get rowCount(): number {
    let rows = 0;
    for (const table of this.byTable.values()) rows += table.size;
    return rows;
  }

  /** Number of changes added (before merging). */
  get size(): number {
    return this.count;
  }

  tables(): ReadModelTable[] {
    return [...this.byTable.keys()];
  }

  /** The merged changes of a table; increments come out as upserts of the delta (the table declares its counters). */
  changesOf<Table extends ReadModelTable>(table: Table): TableChanges<ReadModelRows[Table]> {
    const upserts: ReadModelRows[Table][] = [];
    const deletes: Partial<ReadModelRows[Table]>[] = [];
    for (const change of this.byTable.get(table)?.values() ?? []) {
      if (change.kind === 'delete') deletes.push(change.row as Partial<ReadModelRows[Table]>);
      else upserts.push(change.row as ReadModelRows[Table]);
    }
    return { upserts, deletes };
  }
}

/** Whether upserts of this table add to counters rather than replace the row. */
export function isCounterTable(table: ReadModelTable): boolean {
  return (READ_MODEL_TABLES[table].counters?.length ?? 0) > 0;
}
