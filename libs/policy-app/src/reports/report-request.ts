/**
 * The report queries of DESIGN 5, transport-neutral: REST query strings and gRPC request messages both become one of
 * these (after validation at the edge) and run through the same GetReportQuery handler.
 */
export type ReportName =
  | 'premiums-due'
  | 'servicing-activity'
  | 'agent-workload'
  | 'survival-benefits'
  | 'lapses'
  | 'transfers'
  | 'products'
  | 'payables'
  | 'loans';

interface ReportPageRequest {
  /** 1–1000; the store's default (100) when absent. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page (opaque). */
  readonly cursor?: string;
}

interface DateRangeRequest extends ReportPageRequest {
  /** Inclusive, `YYYY-MM-DD`. */
  readonly from: string;
  /** Inclusive, `YYYY-MM-DD`, not before `from`. */
  readonly to: string;
}

export interface PremiumsDueRequest extends DateRangeRequest {
  readonly report: 'premiums-due';
  readonly branchCode?: string;
  /** The day `overdue` is judged on; today when absent. */
  readonly asOf?: string;
}

export interface ServicingActivityRequest extends DateRangeRequest {
  readonly report: 'servicing-activity';
  readonly branchCode?: string;
}

export interface AgentWorkloadRequest extends ReportPageRequest {
  readonly report: 'agent-workload';
  readonly branchCode?: string;
  readonly region?: string;
  /** The day open receivables are judged on; today when absent. */
  readonly asOf?: string;
}

export interface SurvivalBenefitsRequest extends DateRangeRequest {
  readonly report: 'survival-benefits';
}

export interface LapsesRequest extends DateRangeRequest {
  readonly report: 'lapses';
}

export interface TransfersRequest extends DateRangeRequest {
  readonly report: 'transfers';
}

/** GET /v1/products: the product catalogue read model (every product's latest version, by code). */
export interface ProductsRequest extends ReportPageRequest {
  readonly report: 'products';
}

/** GET /v1/reports/payables: what the insurer owes, due by a date in [from, to] (DESIGN 2.9). */
export interface PayablesRequest extends DateRangeRequest {
  readonly report: 'payables';
  readonly status?: 'DUE' | 'OVERDUE' | 'PAID' | 'WITHDRAWN';
  /** The day `overdue` is judged on; today when absent. */
  readonly asOf?: string;
}

/** GET /v1/reports/loans: the loan accounts owed, with the debt on a date (DESIGN 2.10). */
export interface LoansRequest extends ReportPageRequest {
  readonly report: 'loans';
  readonly branchCode?: string;
  /** The day the debt is computed for; today when absent. */
  readonly asOf?: string;
}

export type ReportRequest =
  | PremiumsDueRequest
  | ServicingActivityRequest
  | AgentWorkloadRequest
  | SurvivalBenefitsRequest
  | LapsesRequest
  | TransfersRequest
  | ProductsRequest
  | PayablesRequest
  | LoansRequest;
