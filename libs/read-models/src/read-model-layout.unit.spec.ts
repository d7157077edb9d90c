import { PROJECTION_VERSION, READ_MODEL_LAYOUT_VERSION, readModelLayoutVersion } from './read-model-layout';
import { READ_MODEL_TABLES, type TableDefinition } from './read-model-tables';

type Tables = Record<string, TableDefinition<unknown>>;

const tables = READ_MODEL_TABLES as unknown as Tables;

/** READ_MODEL_TABLES with one table's definition changed. */
function withTable(name: string, change: (definition: TableDefinition<unknown>) => TableDefinition<unknown>): Tables {
  return { ...tables, [name]: change(tables[name]!) };
}

const version = (changed: Tables, projectionVersion = PROJECTION_VERSION) =>
  readModelLayoutVersion(changed, projectionVersion);

describe('read-model layout version', () => {
  it('is the projection version and a hash of the table definitions, the same on every computation', () => {
    expect(READ_MODEL_LAYOUT_VERSION).toMatch(new RegExp(`^p${PROJECTION_VERSION}\\.[0-9a-f]{16}$`));
    expect(version({ ...tables })).toBe(READ_MODEL_LAYOUT_VERSION);
  });

  it('changes when a column is added', () => {
    const added = withTable('policy_summary', (definition) => ({
      ...definition,
      columns: [
        ...definition.columns,
        { field: 'riderCount', column: 'rider_count', type: 'integer', nullable: false },
      ],
    }));

    expect(version(added)).not.toBe(READ_MODEL_LAYOUT_VERSION);
    expect(version(added)).toMatch(new RegExp(`^p${PROJECTION_VERSION}\\.`));
  });

  it('changes when a column is dropped, renamed, retyped or made nullable', () => {
    const changes: ((definition: TableDefinition<unknown>) => TableDefinition<unknown>)[] = [
      (definition) => ({ ...definition, columns: definition.columns.slice(0, -1) }),
      (definition) => ({
        ...definition,
        columns: definition.columns.map((column) =>
          column.column === 'region' ? { ...column, column: 'sales_region' } : column,
        ),
      }),
      (definition) => ({
        ...definition,
        columns: definition.columns.map((column) =>
          column.column === 'sum_assured' ? { ...column, type: 'integer' } : column,
        ),
      }),
      (definition) => ({
        ...definition,
        columns: definition.columns.map((column) =>
          column.column === 'region' ? { ...column, nullable: true } : column,
        ),
      }),
    ];
    const versions = changes.map((change) => version(withTable('policy_summary', change)));

    expect(new Set([READ_MODEL_LAYOUT_VERSION, ...versions]).size).toBe(1 + changes.length);
  });

  it('changes when an index, the primary key or a table changes', () => {
    const indexAdded = withTable('transfers', (definition) => ({
      ...definition,
      indexes: [...definition.indexes, { name: 'by_to_branch', columns: ['to_branch_code'] }],
    }));
    const indexColumnsSwapped = withTable('agent_workload', (definition) => ({
      ...definition,
      indexes: definition.indexes.map((index) =>
        index.name === 'by_branch' ? { ...index, columns: [...index.columns].reverse() } : index,
      ),
    }));
    const predicateChanged = withTable('premium_installments', (definition) => ({
      ...definition,
      indexes: definition.indexes.map((index) =>
        index.where === undefined ? index : { ...index, where: `status = 'DUE'` },
      ),
    }));
    const keyChanged = withTable('transfers', (definition) => ({
      ...definition,
      primaryKey: [...definition.primaryKey].reverse(),
    }));
    const { servicing_activity: _dropped, ...tableDropped } = tables;
    const versions = [indexAdded, indexColumnsSwapped, predicateChanged, keyChanged, tableDropped].map((changed) =>
      version(changed),
    );

    expect(new Set([READ_MODEL_LAYOUT_VERSION, ...versions]).size).toBe(6);
  });

  it('changes with the projection version alone', () => {
    expect(version(tables, PROJECTION_VERSION + 1)).toMatch(new RegExp(`^p${PROJECTION_VERSION + 1}\\.`));
    expect(version(tables, PROJECTION_VERSION + 1).slice(-16)).not.toBe(READ_MODEL_LAYOUT_VERSION.slice(-16));
  });

  it('does not change with what needs no new tables: the order of columns, indexes and tables, storage parameters', () => {
    const reordered = Object.fromEntries(
      Object.entries(tables)
        .reverse()
        .map(([name, definition]) => [
          name,
          {
            ...definition,
            columns: [...definition.columns].reverse(),
            indexes: [...definition.indexes].reverse(),
            fillFactor: 50,
          },
        ]),
    );

    expect(version(reordered)).toBe(READ_MODEL_LAYOUT_VERSION);
  });
});
