/**
 * The report methods both SQL stores share: each builds its query (report-queries) and hands it to the store's
 * `page`, which runs it and pairs the rows with the checkpoint they reflect.
 */
import {
  type AgentWorkloadQuery,
  type AgentWorkloadReportRow,
  type DateQuery,
  type DateRange,
  type ExpiryCandidateRow,
  type LapseCandidateRow,
  type LapseReportRow,
  type LapsesQuery,
  type OpenInstallmentRow,
  type PageRequest,
  type PremiumDueReportRow,
  type PremiumsDueQuery,
  type ProductsQuery,
  type ReportPage,
  type ServicingActivityQuery,
  type SurvivalBenefitReportRow,
  type SurvivalBenefitsQuery,
  type TransfersQuery,
  type PayablesQuery,
  type LoansQuery,
  type PayableReportRow,
} from '../read-model-store';
import { type LoanRow, type ProductRow, type ServicingActivityRow, type TransferRow } from '../read-model-rows';
import * as queries from './report-queries';

export abstract class SqlReportReader {
  /** The qualified name of one of the store's tables. */
  protected abstract readonly table: (name: string) => string;

  /** Runs a report query: one page of rows and the checkpoint they reflect. */
  protected abstract page<Row extends object>(query: queries.SqlQuery): Promise<ReportPage<Row>>;

  premiumsDue(query: PremiumsDueQuery): Promise<ReportPage<PremiumDueReportRow>> {
    return this.page(queries.premiumsDueQuery(this.table, query));
  }

  servicingActivity(query: ServicingActivityQuery): Promise<ReportPage<ServicingActivityRow>> {
    return this.page(queries.servicingActivityQuery(this.table, query));
  }

  agentWorkload(query: AgentWorkloadQuery): Promise<ReportPage<AgentWorkloadReportRow>> {
    return this.page(queries.agentWorkloadQuery(this.table, query));
  }

  survivalBenefits(query: SurvivalBenefitsQuery): Promise<ReportPage<SurvivalBenefitReportRow>> {
    return this.page(queries.survivalBenefitsQuery(this.table, query));
  }

  lapses(query: LapsesQuery): Promise<ReportPage<LapseReportRow>> {
    return this.page(queries.lapsesQuery(this.table, query));
  }

  transfers(query: TransfersQuery): Promise<ReportPage<TransferRow>> {
    return this.page(queries.transfersQuery(this.table, query));
  }

  payables(query: PayablesQuery): Promise<ReportPage<PayableReportRow>> {
    return this.page(queries.payablesQuery(this.table, query));
  }

  loans(query: LoansQuery): Promise<ReportPage<LoanRow>> {
    return this.page(queries.loansQuery(this.table, query));
  }

  loansDueForCapitalization(query: DateQuery): Promise<ReportPage<LoanRow>> {
    return this.page(queries.loansDueForCapitalizationQuery(this.table, query));
  }

  products(query: ProductsQuery): Promise<ReportPage<ProductRow>> {
    return this.page(queries.productsQuery(this.table, query));
  }

  installmentsDueBetween(query: DateRange & PageRequest): Promise<ReportPage<OpenInstallmentRow>> {
    return this.page(queries.installmentsDueBetweenQuery(this.table, query));
  }

  unpaidInstallmentsDueBefore(query: DateQuery): Promise<ReportPage<OpenInstallmentRow>> {
    return this.page(queries.unpaidInstallmentsDueBeforeQuery(this.table, query));
  }

  policiesEligibleForLapse(query: DateQuery): Promise<ReportPage<LapseCandidateRow>> {
    return this.page(queries.policiesEligibleForLapseQuery(this.table, query));
  }

  lapsedWithDeadlineBefore(query: DateQuery): Promise<ReportPage<LapseReportRow>> {
    return this.page(queries.lapsedWithDeadlineBeforeQuery(this.table, query));
  }

  policiesExpiringBy(query: DateQuery): Promise<ReportPage<ExpiryCandidateRow>> {
    return this.page(queries.policiesExpiringByQuery(this.table, query));
  }

  survivalBenefitsDueOn(query: DateQuery): Promise<ReportPage<SurvivalBenefitReportRow>> {
    return this.page(queries.survivalBenefitsDueOnQuery(this.table, query));
  }
}
