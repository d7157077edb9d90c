/**
 * The report and scheduler queries, written once for both SQL dialects: named parameters (`:name`), table names
 * supplied by the store (schema-qualified in PostgreSQL, prefixed in SQLite), camelCase column aliases, and keyset
 * paging on each query's ORDER BY. Date arithmetic happens here, with the domain's calendar functions, not in SQL.
 */
import { addDays, isRealDate, type BusinessDate } from '@lib/policy-domain';
import {
  DEFAULT_PAGE_LIMIT,
  InvalidReportQueryError,
  MAX_PAGE_LIMIT,
  OPEN_RECEIVABLES_HORIZON_DAYS,
  type AgentWorkloadQuery,
  type DateQuery,
  type DateRange,
  type LapsesQuery,
  type PageRequest,
  type PremiumsDueQuery,
  type LoansQuery,
  type PayablesQuery,
  type ProductsQuery,
  type ServicingActivityQuery,
  type SurvivalBenefitsQuery,
  type TransfersQuery,
} from '../read-model-store';
import { type ReadModelTable } from '../read-model-rows';
import { READ_MODEL_TABLES, type TableDefinition } from '../read-model-tables';

type SqlValue = string | number | null;

export interface SqlQuery {
  /** SQL with `:name` parameters. */
  readonly text: string;
  readonly params: Readonly<Record<string, SqlValue>>;
  /** Result fields that SQLite returns as 0/1. */
  readonly booleanFields: readonly string[];
  /** Row fields of the ORDER BY, in order: the values a cursor carries. */
  readonly sortFields: readonly string[];
  /** Page size; the query fetches one row more to know whether another page follows. */
  readonly limit: number;
}

/** Maps a read-model table name to the name the SQL must use. */
type TableNamer = (table: string) => string;

const OPEN = `('DUE', 'REMINDED')`;
/** Unpaid now, so unpaid on any earlier date too (CANCELLED: left unpaid when the policy closed). */
const UNPAID = `('DUE', 'REMINDED', 'LAPSED', 'CANCELLED')`;
const NOT_CLOSED = `('IN_FORCE', 'LAPSED')`;

function selectList(alias: string, table: ReadModelTable, except: readonly string[] = []): string {
  const definition = READ_MODEL_TABLES[table] as TableDefinition<unknown>;
  return definition.columns
    .filter((column) => !except.includes(column.field))
    .map((column) => `${alias}.${column.column} AS "${column.field}"`)
    .join(', ');
}

function checkDate(field: string, value: unknown): BusinessDate {
  if (!isRealDate(value)) throw new InvalidReportQueryError(field, 'must be a real date YYYY-MM-DD');
  return value;
}

function checkRange(range: DateRange): void {
  checkDate('from', range.from);
  checkDate('to', range.to);
  if (range.from > range.to) throw new InvalidReportQueryError('to', 'must not lie before from');
}

function checkLimit(page: PageRequest): number {
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidReportQueryError('limit', `must be an integer 1–${MAX_PAGE_LIMIT}`);
  }
  return limit;
}

function optionalText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  // PostgreSQL text cannot hold NUL (22021): refused here, the same in both stores.
  if (typeof value !== 'string' || value.length > 64 || value.includes('\u0000'))
    throw new InvalidReportQueryError(field, 'must be a short string');
  return value;
}

export function encodeCursor(values: readonly SqlValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The types a sort column can have; a cursor value must fit its column, or PostgreSQL rejects the query (22xxx). */
type CursorValueType = 'date' | 'integer' | 'text';

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;
/** Longer than any id or code the read models hold (ids ≤ 32, branch codes ≤ 32, regions ≤ 64). */
const MAX_CURSOR_TEXT = 256;

function fitsCursorType(value: unknown, type: CursorValueType): boolean {
  switch (type) {
    case 'date':
      return isRealDate(value);
    case 'integer':
      return Number.isInteger(value) && (value as number) >= INT4_MIN && (value as number) <= INT4_MAX;
    case 'text':
      // PostgreSQL text cannot hold NUL (22021).
      return typeof value === 'string' && value.length <= MAX_CURSOR_TEXT && !value.includes('\u0000');
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

/**
 * Decodes a cursor and checks each value against the type of its sort column (`types`, in ORDER BY order), so a
 * crafted cursor is a 400 rather than a database error.
 * @throws InvalidReportQueryError for anything but a cursor this report could have handed out.
 */
export function decodeCursor(cursor: string, types: readonly CursorValueType[]): SqlValue[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidReportQueryError('cursor', 'is not a cursor of this report');
  }
  const valid =
    Array.isArray(values) &&
    values.length === types.length &&
    values.every((value, index) => fitsCursorType(value, types[index]!));
  if (!valid) throw new InvalidReportQueryError('cursor', 'is not a cursor of this report');
  return values as SqlValue[];
}

interface QueryParts {
  readonly select: string;
  readonly from: string;
  readonly where: readonly string[];
  readonly params: Record<string, SqlValue>;
  /** [SQL expression, row field, column type] of the ORDER BY. */
  readonly orderBy: readonly (readonly [string, string, CursorValueType])[];
  readonly booleanFields?: readonly string[];
}

function paged(parts: QueryParts, page: PageRequest): SqlQuery {
  const limit = checkLimit(page);
  const where = [...parts.where];
  const params: Record<string, SqlValue> = { ...parts.params, pageLimit: limit + 1 };
  if (page.cursor) {
    const values = decodeCursor(
      page.cursor,
      parts.orderBy.map(([, , type]) => type),
    );
    const keys = values.map((value, index) => {
      params[`cursor${index}`] = value;
      return `:cursor${index}`;
    });
    where.push(`(${parts.orderBy.map(([expression]) => expression).join(', ')}) > (${keys.join(', ')})`);
  }
  const text =
    `SELECT ${parts.select} FROM ${parts.from}` +
    (where.length > 0 ? ` WHERE ${where.map((condition) => `(${condition})`).join(' AND ')}` : '') +
    ` ORDER BY ${parts.orderBy.map(([expression]) => expression).join(', ')} LIMIT :pageLimit`;
  return {
    text,
    params,
    booleanFields: parts.booleanFields ?? [],
    sortFields: parts.orderBy.map(([, field]) => field),
    limit,
  };
}

/** Splits the fetched rows into the page and the cursor of the next one. */
export function toPage<Row extends object>(rows: Row[], query: SqlQuery): { rows: Row[]; nextCursor: string | null } {
  if (rows.length <= query.limit) return { rows, nextCursor: null };
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1] as Record<string, SqlValue>;
  return { rows: page, nextCursor: encodeCursor(query.sortFields.map((field) => last[field] ?? null)) };
}

export function policySummaryQuery(t: TableNamer, policyId: string): SqlQuery {
  return {
    text: `SELECT ${selectList('s', 'policy_summary')} FROM ${t('policy_summary')} s WHERE s.policy_id = :policyId`,
    params: { policyId },
    booleanFields: ['premiumWaiver'],
    sortFields: [],
    limit: 1,
  };
}

/** Ids of the open policies an agent services (index policy_summary_by_agent). */
export function policiesOfAgentQuery(t: TableNamer, agentId: string): SqlQuery {
  return {
    text:
      `SELECT s.policy_id AS "policyId" FROM ${t('policy_summary')} s ` +
      `WHERE s.agent_id = :agentId AND s.status IN ${NOT_CLOSED} ORDER BY s.policy_id`,
    params: { agentId },
    booleanFields: [],
    sortFields: [],
    limit: 0,
  };
}

export function premiumsDueQuery(t: TableNamer, query: PremiumsDueQuery): SqlQuery {
  checkRange(query);
  const asOf = checkDate('asOf', query.asOf);
  const branchCode = optionalText('branchCode', query.branchCode);
  const where = ['i.due_date BETWEEN :from AND :to'];
  const params: Record<string, SqlValue> = { from: query.from, to: query.to, asOf };
  if (branchCode !== undefined) {
    where.push('s.branch_code = :branchCode');
    params.branchCode = branchCode;
  }
  return paged(
    {
      select:
        `${selectList('i', 'premium_installments')}, ` +
        `CASE WHEN i.status IN ${OPEN} AND i.due_date < :asOf THEN TRUE ELSE FALSE END AS "overdue", ` +
        `s.status AS "policyStatus", s.branch_code AS "branchCode", s.region AS "region", s.agent_id AS "agentId"`,
      from: `${t('premium_installments')} i JOIN ${t('policy_summary')} s ON s.policy_id = i.policy_id`,
      where,
      params,
      orderBy: [
        ['i.due_date', 'dueDate', 'date'],
        ['i.policy_id', 'policyId', 'text'],
        ['i.installment_no', 'installmentNo', 'integer'],
      ],
      booleanFields: ['overdue'],
    },
    query,
  );
}

export function servicingActivityQuery(t: TableNamer, query: ServicingActivityQuery): SqlQuery {
  checkRange(query);
  const branchCode = optionalText('branchCode', query.branchCode);
  const where = ['a.activity_date BETWEEN :from AND :to'];
  const params: Record<string, SqlValue> = { from: query.from, to: query.to };
  if (branchCode !== undefined) {
    where.push('a.branch_code = :branchCode');
    params.branchCode = branchCode;
  }
  return paged(
    {
      select: selectList('a', 'servicing_activity'),
      from: `${t('servicing_activity')} a`,
      where,
      params,
      orderBy: [
        ['a.activity_date', 'activityDate', 'date'],
        ['a.branch_code', 'branchCode', 'text'],
        ['a.transaction_type', 'transactionType', 'text'],
      ],
    },
    query,
  );
}

export function agentWorkloadQuery(t: TableNamer, query: AgentWorkloadQuery): SqlQuery {
  const asOf = checkDate('asOf', query.asOf);
  const branchCode = optionalText('branchCode', query.branchCode);
  const region = optionalText('region', query.region);
  const where: string[] = [];
  const params: Record<string, SqlValue> = { asOf, receivablesUntil: addDays(asOf, OPEN_RECEIVABLES_HORIZON_DAYS) };
  if (branchCode !== undefined) {
    where.push('a.branch_code = :branchCode');
    params.branchCode = branchCode;
  }
  if (region !== undefined) {
    where.push('a.region = :region');
    params.region = region;
  }
  // Per-agent subqueries (not a GROUP BY over every policy): a page costs only its own agents' policies.
  const policies = `(SELECT COUNT(*) FROM ${t('policy_summary')} s WHERE s.agent_id = a.agent_id AND s.status IN ${NOT_CLOSED})`;
  // As of `asOf` (DESIGN 2.5): the policy was open that day (closed later, if at all: a matured policy's contract ran
  // until its maturity date) and the installment unpaid — unpaid still, or paid after that day. An installment settled
  // at issue was never open; waived ones do not count (the read models keep no waiver date).
  const openOnAsOf =
    `(s.status IN ${NOT_CLOSED} OR (s.status = 'TERMINATED' AND s.terminated_on > :asOf) ` +
    `OR (s.status = 'MATURED' AND s.maturity_date > :asOf))`;
  const unpaidOnAsOf =
    `(i.status IN ${UNPAID} ` + `OR (i.status = 'PAID' AND i.paid_on > :asOf AND i.settled_by <> 'AT_ISSUE'))`;
  const openReceivables =
    `(SELECT COUNT(*) FROM ${t('policy_summary')} s JOIN ${t('premium_installments')} i ON i.policy_id = s.policy_id ` +
    `WHERE s.agent_id = a.agent_id AND ${openOnAsOf} AND ${unpaidOnAsOf} AND i.due_date <= :receivablesUntil)`;
  return paged(
    {
      select:
        `${selectList('a', 'agent_workload')}, ${policies} AS "policies", ${openReceivables} AS "openReceivables", ` +
        `CASE WHEN a.status = 'DEPARTED' THEN ${policies} ELSE 0 END AS "orphans"`,
      from: `${t('agent_workload')} a`,
      where,
      params,
      orderBy: [['a.agent_id', 'agentId', 'text']],
    },
    query,
  );
}

export function survivalBenefitsQuery(t: TableNamer, query: SurvivalBenefitsQuery): SqlQuery {
  checkRange(query);
  return paged(
    {
      select: `${selectList('b', 'survival_benefits')}, s.status AS "policyStatus", s.branch_code AS "branchCode"`,
      from: `${t('survival_benefits')} b JOIN ${t('policy_summary')} s ON s.policy_id = b.policy_id`,
      where: ['b.due_date BETWEEN :from AND :to OR b.paid_on BETWEEN :from AND :to'],
      params: { from: query.from, to: query.to },
      orderBy: [
        ['b.due_date', 'dueDate', 'date'],
        ['b.policy_id', 'policyId', 'text'],
        ['b.period_no', 'periodNo', 'integer'],
      ],
    },
    query,
  );
}

const LAPSE_ORDER: QueryParts['orderBy'] = [
  ['l.lapsed_on', 'lapsedOn', 'date'],
  ['l.policy_id', 'policyId', 'text'],
  ['l.lapse_no', 'lapseNo', 'integer'],
];

export function lapsesQuery(t: TableNamer, query: LapsesQuery): SqlQuery {
  checkRange(query);
  return paged(
    {
      select: `${selectList('l', 'lapses_reinstatements')}, s.branch_code AS "branchCode"`,
      from: `${t('lapses_reinstatements')} l JOIN ${t('policy_summary')} s ON s.policy_id = l.policy_id`,
      where: [
        'l.lapsed_on BETWEEN :from AND :to OR l.reinstated_on BETWEEN :from AND :to OR l.terminated_on BETWEEN :from AND :to',
      ],
      params: { from: query.from, to: query.to },
      orderBy: LAPSE_ORDER,
    },
    query,
  );
}

export function transfersQuery(t: TableNamer, query: TransfersQuery): SqlQuery {
  checkRange(query);
  return paged(
    {
      select: selectList('x', 'transfers'),
      from: `${t('transfers')} x`,
      where: ['x.effective_date BETWEEN :from AND :to'],
      params: { from: query.from, to: query.to },
      orderBy: [
        ['x.effective_date', 'effectiveDate', 'date'],
        ['x.policy_id', 'policyId', 'text'],
        ['x.revision', 'revision', 'integer'],
      ],
    },
    query,
  );
}

export function payablesQuery(t: TableNamer, query: PayablesQuery): SqlQuery {
  checkRange(query);
  const byStatus: Readonly<Record<NonNullable<PayablesQuery['status']>, string>> = {
    DUE: `p.status = 'DUE'`,
    OVERDUE: `p.status = 'DUE' AND p.due_by < :asOf`,
    PAID: `p.status = 'PAID'`,
    WITHDRAWN: `p.status = 'WITHDRAWN'`,
  };
  return paged(
    {
      select:
        `${selectList('p', 'payables')}, ` +
        `CASE WHEN p.status = 'DUE' AND p.due_by < :asOf THEN TRUE ELSE FALSE END AS "overdue"`,
      from: `${t('payables')} p`,
      where: ['p.due_by BETWEEN :from AND :to', ...(query.status ? [byStatus[query.status]] : [])],
      params: { from: query.from, to: query.to, asOf: query.asOf },
      orderBy: [
        ['p.due_by', 'dueBy', 'date'],
        ['p.payable_id', 'payableId', 'text'],
      ],
      booleanFields: ['overdue'],
    },
    query,
  );
}

export function loansQuery(t: TableNamer, query: LoansQuery): SqlQuery {
  const where = [`l.status = 'OPEN'`];
  const params: Record<string, SqlValue> = {};
  if (query.branchCode !== undefined) {
    where.push('l.branch_code = :branchCode');
    params.branchCode = query.branchCode;
  }
  return paged(
    {
      select: selectList('l', 'loans'),
      from: `${t('loans')} l`,
      where,
      params,
      orderBy: [['l.policy_id', 'policyId', 'text']],
    },
    query,
  );
}

export function loansDueForCapitalizationQuery(t: TableNamer, query: DateQuery): SqlQuery {
  return paged(
    {
      select: selectList('l', 'loans'),
      from: `${t('loans')} l`,
      where: [`l.status = 'OPEN'`, 'l.next_capitalization_on <= :date'],
      params: { date: query.date },
      orderBy: [
        ['l.next_capitalization_on', 'nextCapitalizationOn', 'date'],
        ['l.policy_id', 'policyId', 'text'],
      ],
    },
    query,
  );
}

export function productsQuery(t: TableNamer, query: ProductsQuery): SqlQuery {
  return paged(
    {
      select: selectList('p', 'products'),
      from: `${t('products')} p`,
      where: [],
      params: {},
      orderBy: [['p.product_code', 'productCode', 'text']],
    },
    query,
  );
}

function openInstallments(
  t: TableNamer,
  condition: string,
  params: Record<string, SqlValue>,
  page: PageRequest,
): SqlQuery {
  return paged(
    {
      select:
        `${selectList('i', 'premium_installments')}, ` +
        `s.branch_code AS "branchCode", s.region AS "region", s.agent_id AS "agentId"`,
      from: `${t('premium_installments')} i JOIN ${t('policy_summary')} s ON s.policy_id = i.policy_id`,
      where: [`i.status IN ${OPEN}`, condition, `s.status = 'IN_FORCE'`],
      params,
      orderBy: [
        ['i.due_date', 'dueDate', 'date'],
        ['i.policy_id', 'policyId', 'text'],
        ['i.installment_no', 'installmentNo', 'integer'],
      ],
    },
    page,
  );
}

export function installmentsDueBetweenQuery(t: TableNamer, query: DateRange & PageRequest): SqlQuery {
  checkRange(query);
  return openInstallments(t, 'i.due_date BETWEEN :from AND :to', { from: query.from, to: query.to }, query);
}

export function unpaidInstallmentsDueBeforeQuery(t: TableNamer, query: DateQuery): SqlQuery {
  return openInstallments(t, 'i.due_date < :date', { date: checkDate('date', query.date) }, query);
}

export function policiesEligibleForLapseQuery(t: TableNamer, query: DateQuery): SqlQuery {
  return paged(
    {
      select:
        `s.policy_id AS "policyId", s.next_installment_no AS "installmentNo", s.next_due_date AS "dueDate", ` +
        `s.lapse_eligible_from AS "lapseEligibleFrom", s.branch_code AS "branchCode", s.agent_id AS "agentId", ` +
        `s.automatic_premium_loan AS "automaticPremiumLoan"`,
      from: `${t('policy_summary')} s`,
      where: [`s.status = 'IN_FORCE'`, 's.lapse_eligible_from <= :date'],
      booleanFields: ['automaticPremiumLoan'],
      params: { date: checkDate('date', query.date) },
      orderBy: [
        ['s.lapse_eligible_from', 'lapseEligibleFrom', 'date'],
        ['s.policy_id', 'policyId', 'text'],
      ],
    },
    query,
  );
}

export function lapsedWithDeadlineBeforeQuery(t: TableNamer, query: DateQuery): SqlQuery {
  return paged(
    {
      select: `${selectList('l', 'lapses_reinstatements')}, s.branch_code AS "branchCode"`,
      from: `${t('lapses_reinstatements')} l JOIN ${t('policy_summary')} s ON s.policy_id = l.policy_id`,
      where: [`l.status = 'LAPSED'`, `s.status = 'LAPSED'`, 'l.reinstatement_deadline < :date'],
      params: { date: checkDate('date', query.date) },
      orderBy: LAPSE_ORDER,
    },
    query,
  );
}

/** Index policy_summary_open_by_maturity; the plan's entries are the survival_benefits rows (primary key prefix). */
/** Where the cover ends: the ETI cover end, else the maturity date. */
const TERM_END = 'COALESCE(s.cover_ends_on, s.maturity_date)';

export function policiesExpiringByQuery(t: TableNamer, query: DateQuery): SqlQuery {
  return paged(
    {
      select:
        `s.policy_id AS "policyId", s.status AS "status", ${TERM_END} AS "maturityDate", ` +
        `s.branch_code AS "branchCode", s.agent_id AS "agentId"`,
      from: `${t('policy_summary')} s`,
      where: [
        `s.status IN ${NOT_CLOSED}`,
        `${TERM_END} <= :date`,
        // Extended term insurance ends at its cover end whatever the plan paid at maturity (DESIGN 2.10).
        `s.cover_ends_on IS NOT NULL OR NOT EXISTS (SELECT 1 FROM ${t('survival_benefits')} b ` +
          `WHERE b.policy_id = s.policy_id AND b.kind = 'MATURITY')`,
      ],
      params: { date: checkDate('date', query.date) },
      orderBy: [
        [TERM_END, 'maturityDate', 'date'],
        ['s.policy_id', 'policyId', 'text'],
      ],
    },
    query,
  );
}

export function survivalBenefitsDueOnQuery(t: TableNamer, query: DateQuery): SqlQuery {
  return paged(
    {
      select: `${selectList('b', 'survival_benefits')}, s.status AS "policyStatus", s.branch_code AS "branchCode"`,
      from: `${t('survival_benefits')} b JOIN ${t('policy_summary')} s ON s.policy_id = b.policy_id`,
      where: [`b.status = 'DUE'`, `s.status = 'IN_FORCE'`, 'b.due_date = :date'],
      params: { date: checkDate('date', query.date) },
      orderBy: [
        ['b.policy_id', 'policyId', 'text'],
        ['b.period_no', 'periodNo', 'integer'],
      ],
    },
    query,
  );
}
