/**
 * Table definitions of the read models, as data: both SQL stores generate their DDL and their batched writes from
 * these, so the PostgreSQL and SQLite tables cannot drift apart. Columns are snake_case; rows are camelCase.
 */
import { type ReadModelRows, type ReadModelTable } from './read-model-rows';

export type ColumnType = 'text' | 'integer' | 'bigint' | 'date' | 'boolean';

interface ColumnDefinition {
  /** Row field (camelCase). */
  readonly field: string;
  /** SQL column (snake_case). */
  readonly column: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

interface IndexDefinition {
  /** Suffix of the index name; the store prefixes it with the table name. */
  readonly name: string;
  readonly columns: readonly string[];
  /** Partial index predicate (same SQL in both dialects). */
  readonly where?: string;
}

export interface TableDefinition<Row> {
  readonly name: ReadModelTable;
  readonly columns: readonly ColumnDefinition[];
  readonly primaryKey: readonly (keyof Row & string)[];
  readonly indexes: readonly IndexDefinition[];
  /** Upserts add `counters` to the stored values instead of replacing them (aggregate tables). */
  readonly counters?: readonly (keyof Row & string)[];
  /** PostgreSQL fillfactor for tables updated in place: room on the page lets updates be HOT (no index writes). */
  readonly fillFactor?: number;
}

function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** One entry per row field: `'text'`, `'date?'` (nullable), … — every field of the row must be listed. */
function columns<Row>(specs: Record<keyof Row & string, ColumnType | `${ColumnType}?`>): ColumnDefinition[] {
  return Object.entries<string>(specs).map(([field, spec]) => ({
    field,
    column: snakeCase(field),
    type: spec.replace('?', '') as ColumnType,
    nullable: spec.endsWith('?'),
  }));
}

const POLICY_SUMMARY_TABLE: TableDefinition<ReadModelRows['policy_summary']> = {
  name: 'policy_summary',
  columns: columns<ReadModelRows['policy_summary']>({
    policyId: 'text',
    status: 'text',
    statusReason: 'text?',
    productCode: 'text',
    currency: 'text',
    jurisdiction: 'text',
    branchCode: 'text',
    region: 'text',
    agentId: 'text',
    effectiveDate: 'date',
    maturityDate: 'date',
    frequency: 'text',
    modalPremium: 'bigint',
    sumAssured: 'bigint',
    paymentTermYears: 'integer',
    installmentCount: 'integer',
    paidInstallments: 'integer',
    nextInstallmentNo: 'integer?',
    nextDueDate: 'date?',
    lapseEligibleFrom: 'date?',
    premiumWaiver: 'boolean',
    lapsedOn: 'date?',
    reinstatementDeadline: 'date?',
    terminatedOn: 'date?',
    endorsementCount: 'integer',
    reinstatementCount: 'integer',
    automaticPremiumLoan: 'boolean',
    nonforfeiture: 'text?',
    coverEndsOn: 'date?',
  }),
  primaryKey: ['policyId'],
  indexes: [
    { name: 'by_agent', columns: ['agent_id', 'status'] },
    { name: 'by_lapse_eligible', columns: ['lapse_eligible_from'], where: 'lapse_eligible_from IS NOT NULL' },
    // The scheduler's EXPIRY candidates; closed policies stay out of it.
    { name: 'open_by_maturity', columns: ['maturity_date', 'policy_id'], where: `status IN ('IN_FORCE', 'LAPSED')` },
  ],
  fillFactor: 80,
};

const PREMIUM_INSTALLMENTS_TABLE: TableDefinition<ReadModelRows['premium_installments']> = {
  name: 'premium_installments',
  columns: columns<ReadModelRows['premium_installments']>({
    policyId: 'text',
    installmentNo: 'integer',
    dueDate: 'date',
    amount: 'bigint',
    currency: 'text',
    status: 'text',
    paidOn: 'date?',
    settledBy: 'text?',
    receiptNo: 'text?',
    preDueReminders: 'integer',
    overdueNotices: 'integer',
    lastRemindedOn: 'date?',
  }),
  primaryKey: ['policyId', 'installmentNo'],
  indexes: [
    { name: 'by_due_date', columns: ['due_date', 'policy_id', 'installment_no'] },
    // The scheduler's open work; paid history stays out of it.
    { name: 'open_by_due_date', columns: ['due_date'], where: `status IN ('DUE', 'REMINDED')` },
  ],
  fillFactor: 80,
};

const SURVIVAL_BENEFITS_TABLE: TableDefinition<ReadModelRows['survival_benefits']> = {
  name: 'survival_benefits',
  columns: columns<ReadModelRows['survival_benefits']>({
    policyId: 'text',
    periodNo: 'integer',
    kind: 'text',
    dueDate: 'date',
    amount: 'bigint',
    currency: 'text',
    status: 'text',
    paidOn: 'date?',
    paymentRef: 'text?',
    payeeName: 'text?',
  }),
  primaryKey: ['policyId', 'periodNo'],
  indexes: [
    { name: 'by_due_date', columns: ['due_date', 'policy_id', 'period_no'] },
    { name: 'by_paid_on', columns: ['paid_on'] },
  ],
};

const LAPSES_REINSTATEMENTS_TABLE: TableDefinition<ReadModelRows['lapses_reinstatements']> = {
  name: 'lapses_reinstatements',
  columns: columns<ReadModelRows['lapses_reinstatements']>({
    policyId: 'text',
    lapseNo: 'integer',
    lapsedOn: 'date',
    installmentNo: 'integer?',
    dueDate: 'date?',
    reinstatementDeadline: 'date',
    cause: 'text',
    status: 'text',
    reinstatedOn: 'date?',
    installmentsCovered: 'integer?',
    reinstatementPremiums: 'bigint?',
    reinstatementInterest: 'bigint?',
    reinstatementTotal: 'bigint?',
    currency: 'text',
    terminatedOn: 'date?',
    terminationReason: 'text?',
  }),
  primaryKey: ['policyId', 'lapseNo'],
  indexes: [
    { name: 'by_lapsed_on', columns: ['lapsed_on', 'policy_id', 'lapse_no'] },
    { name: 'by_status_deadline', columns: ['status', 'reinstatement_deadline'] },
    { name: 'by_reinstated_on', columns: ['reinstated_on'] },
    { name: 'by_terminated_on', columns: ['terminated_on'] },
  ],
};

const TRANSFERS_TABLE: TableDefinition<ReadModelRows['transfers']> = {
  name: 'transfers',
  columns: columns<ReadModelRows['transfers']>({
    policyId: 'text',
    revision: 'integer',
    effectiveDate: 'date',
    reason: 'text',
    fromBranchCode: 'text',
    toBranchCode: 'text',
    fromRegion: 'text',
    toRegion: 'text',
    fromAgentId: 'text',
    toAgentId: 'text',
  }),
  primaryKey: ['policyId', 'revision'],
  indexes: [{ name: 'by_effective_date', columns: ['effective_date', 'policy_id', 'revision'] }],
};

const AGENT_WORKLOAD_TABLE: TableDefinition<ReadModelRows['agent_workload']> = {
  name: 'agent_workload',
  columns: columns<ReadModelRows['agent_workload']>({
    agentId: 'text',
    name: 'text',
    role: 'text',
    branchCode: 'text',
    region: 'text',
    status: 'text',
    departedOn: 'date?',
    reassignment: 'text?',
  }),
  primaryKey: ['agentId'],
  indexes: [
    { name: 'by_branch', columns: ['branch_code', 'agent_id'] },
    { name: 'by_region', columns: ['region', 'agent_id'] },
  ],
};

const SERVICING_ACTIVITY_TABLE: TableDefinition<ReadModelRows['servicing_activity']> = {
  name: 'servicing_activity',
  columns: columns<ReadModelRows['servicing_activity']>({
    activityDate: 'date',
    branchCode: 'text',
    transactionType: 'text',
    transactions: 'bigint',
  }),
  primaryKey: ['activityDate', 'branchCode', 'transactionType'],
  indexes: [{ name: 'by_branch', columns: ['branch_code', 'activity_date'] }],
  counters: ['transactions'],
};

const PRODUCTS_TABLE: TableDefinition<ReadModelRows['products']> = {
  name: 'products',
  columns: columns<ReadModelRows['products']>({
    productCode: 'text',
    latestVersion: 'integer',
    name: 'text',
    kind: 'text',
    jurisdiction: 'text',
    currency: 'text',
    publishedOn: 'date',
  }),
  primaryKey: ['productCode'],
  indexes: [],
};

const PAYABLES_TABLE: TableDefinition<ReadModelRows['payables']> = {
  name: 'payables',
  columns: columns<ReadModelRows['payables']>({
    payableId: 'text',
    policyId: 'text',
    branchCode: 'text',
    kind: 'text',
    amount: 'bigint',
    currency: 'text',
    createdOn: 'date',
    dueBy: 'date',
    status: 'text',
    paidOn: 'date?',
    paymentRef: 'text?',
  }),
  primaryKey: ['payableId'],
  indexes: [
    { name: 'by_due_by', columns: ['due_by', 'payable_id'] },
    // The open work list (due and overdue); paid history stays out of it.
    { name: 'open_by_due_by', columns: ['due_by'], where: `status = 'DUE'` },
    { name: 'by_paid_on', columns: ['paid_on'] },
  ],
};

const LOANS_TABLE: TableDefinition<ReadModelRows['loans']> = {
  name: 'loans',
  columns: columns<ReadModelRows['loans']>({
    policyId: 'text',
    branchCode: 'text',
    currency: 'text',
    balance: 'bigint',
    accruedInterest: 'bigint',
    accruedThrough: 'date',
    interestBasisPoints: 'integer',
    nextCapitalizationOn: 'date?',
    loanCount: 'integer',
    status: 'text',
  }),
  primaryKey: ['policyId'],
  indexes: [
    { name: 'by_branch', columns: ['branch_code', 'policy_id'] },
    // The scheduler's capitalizations due.
    { name: 'open_by_capitalization', columns: ['next_capitalization_on'], where: `status = 'OPEN'` },
  ],
};

export const READ_MODEL_TABLES: { readonly [Table in ReadModelTable]: TableDefinition<ReadModelRows[Table]> } = {
  policy_summary: POLICY_SUMMARY_TABLE,
  premium_installments: PREMIUM_INSTALLMENTS_TABLE,
  survival_benefits: SURVIVAL_BENEFITS_TABLE,
  lapses_reinstatements: LAPSES_REINSTATEMENTS_TABLE,
  transfers: TRANSFERS_TABLE,
  agent_workload: AGENT_WORKLOAD_TABLE,
  servicing_activity: SERVICING_ACTIVITY_TABLE,
  payables: PAYABLES_TABLE,
  loans: LOANS_TABLE,
  products: PRODUCTS_TABLE,
};

export const READ_MODEL_TABLE_NAMES = Object.keys(READ_MODEL_TABLES) as ReadModelTable[];

/**
 * Bookkeeping tables of the projector (exactly-once, "how far caught up", and the streams quarantined at an event
 * they cannot project), rebuilt and swapped with the rest.
 */
export const STREAM_REVISIONS_TABLE = 'projection_stream_revisions';
export const CHECKPOINT_TABLE = 'projection_checkpoint';
export const QUARANTINE_TABLE = 'projection_quarantine';
export const ALL_TABLE_NAMES: readonly string[] = [
  ...READ_MODEL_TABLE_NAMES,
  STREAM_REVISIONS_TABLE,
  CHECKPOINT_TABLE,
  QUARANTINE_TABLE,
];

/** The primary-key value of a row as one string (for merging the changes of a batch). */
export function rowKey<Table extends ReadModelTable>(table: Table, row: Partial<ReadModelRows[Table]>): string {
  const definition = READ_MODEL_TABLES[table] as TableDefinition<ReadModelRows[Table]>;
  return definition.primaryKey.map((field) => String(row[field])).join('\u0000');
}
