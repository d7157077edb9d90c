/**
 * The items of the report responses: the read-model rows in the API's own shapes (DESIGN 2.1: money as
 * `{ amount, currency }`), mapped field by field so the published contract does not move when the read-model tables
 * do.
 */
import { daysBetween, periodInterest, type Money } from '@lib/policy-domain';
import type {
  AgentWorkloadReportRow,
  LapseReportRow,
  PremiumDueReportRow,
  ProductRow,
  ServicingActivityRow,
  SurvivalBenefitReportRow,
  TransferRow,
  PayableReportRow,
  LoanRow,
} from '@lib/read-models';
import type { CaughtUp } from '../projections/catch-up';
import type { ReportName } from './report-request';

export interface ReportResult<Item> {
  readonly items: Item[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  readonly caughtUp: CaughtUp;
}

const money = (amount: number, currency: string): Money => ({ amount, currency });
const moneyOrNull = (amount: number | null, currency: string): Money | null =>
  amount === null ? null : money(amount, currency);

export function premiumDueItem(row: PremiumDueReportRow) {
  return {
    policyId: row.policyId,
    installmentNo: row.installmentNo,
    dueDate: row.dueDate,
    amount: money(row.amount, row.currency),
    status: row.status,
    overdue: row.overdue,
    paidOn: row.paidOn,
    settledBy: row.settledBy,
    receiptNo: row.receiptNo,
    preDueReminders: row.preDueReminders,
    overdueNotices: row.overdueNotices,
    lastRemindedOn: row.lastRemindedOn,
    policyStatus: row.policyStatus,
    branchCode: row.branchCode,
    region: row.region,
    agentId: row.agentId,
  };
}

export function servicingActivityItem(row: ServicingActivityRow) {
  return {
    activityDate: row.activityDate,
    branchCode: row.branchCode,
    transactionType: row.transactionType,
    transactions: row.transactions,
  };
}

export function agentWorkloadItem(row: AgentWorkloadReportRow) {
  return {
    agentId: row.agentId,
    name: row.name,
    role: row.role,
    branchCode: row.branchCode,
    region: row.region,
    status: row.status,
    departedOn: row.departedOn,
    reassignment: row.reassignment,
    policies: row.policies,
    openReceivables: row.openReceivables,
    orphans: row.orphans,
  };
}

export function survivalBenefitItem(row: SurvivalBenefitReportRow) {
  return {
    policyId: row.policyId,
    periodNo: row.periodNo,
    kind: row.kind,
    dueDate: row.dueDate,
    amount: money(row.amount, row.currency),
    status: row.status,
    paidOn: row.paidOn,
    paymentRef: row.paymentRef,
    payeeName: row.payeeName,
    policyStatus: row.policyStatus,
    branchCode: row.branchCode,
  };
}

export function lapseItem(row: LapseReportRow) {
  return {
    policyId: row.policyId,
    lapseNo: row.lapseNo,
    lapsedOn: row.lapsedOn,
    installmentNo: row.installmentNo,
    dueDate: row.dueDate,
    reinstatementDeadline: row.reinstatementDeadline,
    status: row.status,
    reinstatedOn: row.reinstatedOn,
    installmentsCovered: row.installmentsCovered,
    reinstatementPremiums: moneyOrNull(row.reinstatementPremiums, row.currency),
    reinstatementInterest: moneyOrNull(row.reinstatementInterest, row.currency),
    reinstatementTotal: moneyOrNull(row.reinstatementTotal, row.currency),
    terminatedOn: row.terminatedOn,
    terminationReason: row.terminationReason,
    branchCode: row.branchCode,
  };
}

export function transferItem(row: TransferRow) {
  return {
    policyId: row.policyId,
    revision: row.revision,
    effectiveDate: row.effectiveDate,
    reason: row.reason,
    fromBranchCode: row.fromBranchCode,
    toBranchCode: row.toBranchCode,
    fromRegion: row.fromRegion,
    toRegion: row.toRegion,
    fromAgentId: row.fromAgentId,
    toAgentId: row.toAgentId,
  };
}

/** GET /v1/reports/payables: one amount owed, with its deadline and payout (the payee stays in the policy). */
export function payableItem(row: PayableReportRow) {
  return {
    payableId: row.payableId,
    policyId: row.policyId,
    branchCode: row.branchCode,
    kind: row.kind,
    amount: { amount: row.amount, currency: row.currency },
    createdOn: row.createdOn,
    dueBy: row.dueBy,
    status: row.status,
    overdue: row.overdue,
    paidOn: row.paidOn,
    paymentRef: row.paymentRef,
  };
}

/** GET /v1/reports/loans: a loan account with its debt on `asOf` (balance + interest accrued to that day). */
export function loanItem(row: LoanRow, asOf: string) {
  const days = asOf > row.accruedThrough ? daysBetween(row.accruedThrough, asOf) : 0;
  const debt = row.balance + row.accruedInterest + periodInterest(row.balance, row.interestBasisPoints, days);
  return {
    policyId: row.policyId,
    branchCode: row.branchCode,
    balance: { amount: row.balance, currency: row.currency },
    accruedInterest: { amount: row.accruedInterest, currency: row.currency },
    accruedThrough: row.accruedThrough,
    interestBasisPoints: row.interestBasisPoints,
    debt: { amount: debt, currency: row.currency },
    nextCapitalizationOn: row.nextCapitalizationOn,
    loanCount: row.loanCount,
  };
}

/** GET /v1/products: a product and the summary of its latest version (versions are numbered 1, 2, … without gaps). */
export function productItem(row: ProductRow) {
  return {
    productCode: row.productCode,
    latestVersion: row.latestVersion,
    versionCount: row.latestVersion,
    name: row.name,
    kind: row.kind,
    jurisdiction: row.jurisdiction,
    currency: row.currency,
    publishedOn: row.publishedOn,
  };
}

interface ReportItems {
  readonly 'premiums-due': ReturnType<typeof premiumDueItem>;
  readonly 'servicing-activity': ReturnType<typeof servicingActivityItem>;
  readonly 'agent-workload': ReturnType<typeof agentWorkloadItem>;
  readonly 'survival-benefits': ReturnType<typeof survivalBenefitItem>;
  readonly lapses: ReturnType<typeof lapseItem>;
  readonly transfers: ReturnType<typeof transferItem>;
  readonly products: ReturnType<typeof productItem>;
  readonly payables: ReturnType<typeof payableItem>;
  readonly loans: ReturnType<typeof loanItem>;
}

export type ReportResultOf<Name extends ReportName> = ReportResult<ReportItems[Name]>;
