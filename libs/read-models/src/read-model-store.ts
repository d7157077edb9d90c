/**
 * The read-model store port: applying batches of recorded events exactly once, reporting how far it has caught up,
 * the report queries of DESIGN 5, the scheduler queries of DESIGN 6, and rebuild-then-swap.
 * Implementations: PostgresReadModelStore (production) and SqliteReadModelStore (embedded mode).
 *
 * Paging (every query): keyset paging in each query's stable order. Pass `limit` (1–1000, default 100) and the
 * `nextCursor` of the previous page as `cursor`; `nextCursor` is null on the last page. Cursors are opaque strings.
 */
import { type Position, type RecordedEvent } from '@lib/event-sourcing';
import { type BusinessDate, type PolicyStatus } from '@lib/policy-domain';
import {
  type AgentRow,
  type LapseReinstatementRow,
  type PolicySummaryRow,
  type PremiumInstallmentRow,
  type LoanRow,
  type PayableRow,
  type ProductRow,
  type ServicingActivityRow,
  type SurvivalBenefitRow,
  type TransferRow,
} from './read-model-rows';

/** How far the read model has caught up with the event log. */
export interface ReadModelCheckpoint {
  /** The greatest log position applied (null before the first event). Compare with the log's head for the lag. */
  readonly position: Position | null;
  /** recordedAt of the event at `position`: `now − lastRecordedAt` is the lag when the log has moved on. */
  readonly lastRecordedAt: string | null;
  /** Events applied so far (redeliveries not counted). */
  readonly eventsApplied: number;
  /** Streams quarantined at an event the projections cannot apply (`quarantinedStreams()` lists them). */
  readonly quarantinedStreams: number;
}

/**
 * A stream the read models stopped projecting at an event they cannot apply (a poison event: an unknown type or
 * schema version, data the projection rejects, a gap in the stream's revisions). Its rows stay as they were before
 * that event; later events of the stream are passed over (counted as `quarantined`), so the feed carries on with
 * every other stream. The cure is a fixed projector and `policyctl rebuild` (fresh tables, no quarantine).
 */
export interface QuarantinedStream {
  readonly streamId: string;
  /** The revision that could not be projected: the stream's rows reflect the revisions before it. */
  readonly revision: number;
  readonly eventType: string;
  readonly position: Position;
  readonly reason: string;
  /** When the stream was quarantined (ISO-8601 instant). */
  readonly quarantinedAt: string;
}

export interface QuarantineOptions {
  /**
   * Also move the checkpoint past the event (default false): for feeds that read the event store themselves (the
   * embedded feed, a rebuild), so that the event is not delivered again and the lag counts it as dealt with. The
   * Kafka projector leaves the checkpoint alone: a message's position is only as good as whoever wrote the message.
   */
  readonly moveCheckpoint?: boolean;
}

export interface QuarantinedStreamsQuery {
  /** Only these streams (e.g. the ones a caller waits for); default all. */
  readonly streamIds?: readonly string[];
  /** At most this many, in stream-id order; default 1000. */
  readonly limit?: number;
}

/** The event a stream is quarantined at (a RecordedEvent will do). */
export type QuarantinedEvent = Pick<RecordedEvent, 'streamId' | 'revision' | 'type' | 'position' | 'metadata'>;

export interface ApplyBatchResult {
  readonly applied: number;
  /** Redelivered events (revision ≤ the stream's last applied revision): no effect. */
  readonly skipped: number;
  /** Events of streams that are not projected (neither policy, agent nor product streams). */
  readonly ignored: number;
  /** Events of quarantined streams: passed over (see QuarantinedStream). */
  readonly quarantined: number;
  readonly checkpoint: ReadModelCheckpoint;
}

export interface PageRequest {
  /** 1–1000, default 100. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | null;
}

export interface ReportPage<Row> {
  readonly rows: Row[];
  readonly nextCursor: string | null;
  /** Read before the rows: the rows reflect at least this much of the log. */
  readonly checkpoint: ReadModelCheckpoint;
}

export interface DateRange {
  /** Inclusive, `YYYY-MM-DD`. */
  readonly from: BusinessDate;
  /** Inclusive, `YYYY-MM-DD`. */
  readonly to: BusinessDate;
}

// ---- Reports (DESIGN 5) ----

/** GET /v1/reports/premiums-due?from&to&branchCode — installments due in the range, any status. */
export interface PremiumsDueQuery extends DateRange, PageRequest {
  readonly branchCode?: string;
  /** The day `overdue` is judged on (the API passes today). */
  readonly asOf: BusinessDate;
}

export interface PremiumDueReportRow extends PremiumInstallmentRow {
  /** Open (DUE or REMINDED) with a due date before `asOf`. */
  readonly overdue: boolean;
  readonly policyStatus: PolicyStatus;
  readonly branchCode: string;
  readonly region: string;
  readonly agentId: string;
}

/** GET /v1/reports/servicing-activity?from&to&branchCode — ordered by day, branch, transaction type. */
export interface ServicingActivityQuery extends DateRange, PageRequest {
  readonly branchCode?: string;
}

/** GET /v1/reports/agent-workload?branchCode&region — ordered by agent id. */
export interface AgentWorkloadQuery extends PageRequest {
  readonly branchCode?: string;
  readonly region?: string;
  /**
   * Open receivables are judged as of this day (the API passes today; the orphan balancer the departure date or the
   * transfer's effective date).
   */
  readonly asOf: BusinessDate;
}

export interface AgentWorkloadReportRow extends AgentRow {
  /** Policies the agent services that are not closed (IN_FORCE or LAPSED). */
  readonly policies: number;
  /**
   * Installments of the policies the agent services that were unpaid and not waived on `asOf` and were overdue or due
   * within OPEN_RECEIVABLES_HORIZON_DAYS of it (DESIGN 2.5, the load of orphan balancing): also those paid (or
   * reinstated) after `asOf`, and those of policies closed after `asOf`. Not those of policies the agent no longer
   * services, and not waived ones — the read models keep no waiver date, so a waiver recorded after `asOf` for an
   * installment open on `asOf` is not seen.
   */
  readonly openReceivables: number;
  /** Of `policies`, those orphaned: all of them once the agent departed, until reassigned. */
  readonly orphans: number;
}

/** GET /v1/reports/survival-benefits?from&to — benefits due or paid in the range, ordered by due date. */
export interface SurvivalBenefitsQuery extends DateRange, PageRequest {}

export interface SurvivalBenefitReportRow extends SurvivalBenefitRow {
  readonly policyStatus: PolicyStatus;
  readonly branchCode: string;
}

/** GET /v1/reports/lapses?from&to — lapses that began, were reinstated or ended in termination in the range. */
export interface LapsesQuery extends DateRange, PageRequest {}

export interface LapseReportRow extends LapseReinstatementRow {
  readonly branchCode: string;
}

/** GET /v1/reports/transfers?from&to — transfers effective in the range. */
export interface TransfersQuery extends DateRange, PageRequest {}

/**
 * GET /v1/reports/payables?status&from&to — payables due by a date in [from, to] (DESIGN 2.9). `status` DUE is every
 * unpaid one, OVERDUE the unpaid ones past their deadline on `asOf`; absent: all.
 */
export interface PayablesQuery extends DateRange, PageRequest {
  readonly status?: 'DUE' | 'OVERDUE' | 'PAID' | 'WITHDRAWN';
  /** The day `overdue` is judged on (the API passes today). */
  readonly asOf: BusinessDate;
}

export interface PayableReportRow extends PayableRow {
  /** DUE with `dueBy` before `asOf`. */
  readonly overdue: boolean;
}

/** GET /v1/reports/loans?branchCode — the loan accounts that are owed, by policy (DESIGN 2.10). */
export interface LoansQuery extends PageRequest {
  readonly branchCode?: string;
}

/** GET /v1/products — every product's latest version, ordered by product code. */
export type ProductsQuery = PageRequest;

// ---- Scheduler (DESIGN 6): open work by date; all only for IN_FORCE policies ----

export interface OpenInstallmentRow extends PremiumInstallmentRow {
  readonly branchCode: string;
  readonly region: string;
  readonly agentId: string;
}

export interface LapseCandidateRow {
  readonly policyId: string;
  /** The next open installment, whose non-payment allows the lapse. */
  readonly installmentNo: number;
  readonly dueDate: BusinessDate;
  readonly lapseEligibleFrom: BusinessDate;
  readonly branchCode: string;
  readonly agentId: string;
  /** The automatic premium loan is elected: on the lapse date it is offered first (DESIGN 6). */
  readonly automaticPremiumLoan: boolean;
}

/** An open policy whose term has ended without a MATURITY benefit in its plan: EXPIRY is due (DESIGN 6). */
export interface ExpiryCandidateRow {
  readonly policyId: string;
  /** IN_FORCE or LAPSED. */
  readonly status: PolicyStatus;
  readonly maturityDate: BusinessDate;
  readonly branchCode: string;
  readonly agentId: string;
}

export interface DateQuery extends PageRequest {
  readonly date: BusinessDate;
}

export interface ReadModelReader {
  /**
   * The greatest log position applied. Not a low watermark: the Kafka projector applies partitions in any order, so
   * events at lower positions may still be missing; ask `streamRevisions` whether given streams are applied.
   */
  checkpoint(): Promise<ReadModelCheckpoint>;
  /**
   * The last applied revision of each given stream (projection_stream_revisions); streams with nothing applied yet are
   * absent from the map. Within a stream, events apply in revision order, so revision r applied means 0…r are.
   */
  streamRevisions(streamIds: readonly string[]): Promise<Map<string, number>>;
  policySummary(policyId: string): Promise<PolicySummaryRow | null>;
  /** Ids of the open (IN_FORCE or LAPSED) policies the agent services, in policyId order (policy_summary.agent_id). */
  policiesOfAgent(agentId: string): Promise<string[]>;

  premiumsDue(query: PremiumsDueQuery): Promise<ReportPage<PremiumDueReportRow>>;
  servicingActivity(query: ServicingActivityQuery): Promise<ReportPage<ServicingActivityRow>>;
  agentWorkload(query: AgentWorkloadQuery): Promise<ReportPage<AgentWorkloadReportRow>>;
  survivalBenefits(query: SurvivalBenefitsQuery): Promise<ReportPage<SurvivalBenefitReportRow>>;
  lapses(query: LapsesQuery): Promise<ReportPage<LapseReportRow>>;
  transfers(query: TransfersQuery): Promise<ReportPage<TransferRow>>;
  products(query: ProductsQuery): Promise<ReportPage<ProductRow>>;
  payables(query: PayablesQuery): Promise<ReportPage<PayableReportRow>>;
  loans(query: LoansQuery): Promise<ReportPage<LoanRow>>;
  /** Open loan accounts whose interest is due to be capitalized on or before `date` (the scheduler, DESIGN 6). */
  loansDueForCapitalization(query: DateQuery): Promise<ReportPage<LoanRow>>;

  /** Open installments due in [from, to] (pre-due reminders: call with today + 30 and today + 7). */
  installmentsDueBetween(query: DateRange & PageRequest): Promise<ReportPage<OpenInstallmentRow>>;
  /** Open installments due before `date` (overdue notices from the day after the due date). */
  unpaidInstallmentsDueBefore(query: DateQuery): Promise<ReportPage<OpenInstallmentRow>>;
  /** Policies whose lapse-eligible date (DESIGN 2.4, computed by the domain) is on or before `date`. */
  policiesEligibleForLapse(query: DateQuery): Promise<ReportPage<LapseCandidateRow>>;
  /** Open lapses whose reinstatement deadline lies before `date` (LAPSE_EXPIRED terminations). */
  lapsedWithDeadlineBefore(query: DateQuery): Promise<ReportPage<LapseReportRow>>;
  /**
   * Open (IN_FORCE or LAPSED) policies whose maturity date is on or before `date` and whose survival-benefit plan has
   * no MATURITY entry (EXPIRY terminations), by maturity date and policy id.
   */
  policiesExpiringBy(query: DateQuery): Promise<ReportPage<ExpiryCandidateRow>>;
  /** Unpaid survival benefits due on `date` (due notices). */
  survivalBenefitsDueOn(query: DateQuery): Promise<ReportPage<SurvivalBenefitReportRow>>;

  /** The quarantined streams in stream-id order. */
  quarantinedStreams(query?: QuarantinedStreamsQuery): Promise<QuarantinedStream[]>;
}

interface ReadModelWriter {
  /**
   * Applies the events in one transaction: their row changes, each stream's last applied revision and the
   * checkpoint. Events whose revision is ≤ their stream's last applied revision are skipped, so a redelivered batch
   * changes nothing. Events of a stream must come in revision order (interleaving streams is fine).
   * @throws ProjectionError when an event cannot be projected; nothing of the batch is applied (the caller retries
   * the events one by one to find it and dead-letters it).
   */
  applyBatch(events: readonly RecordedEvent[]): Promise<ApplyBatchResult>;

  /**
   * Quarantines the event's stream at the event (see QuarantinedStream). For the callers of `applyBatch` once an event
   * failed with a ProjectionError for good (the projector after dead-lettering it, the embedded feed after its
   * attempts, a rebuild). Nothing changes when the stream is quarantined already (its first entry stays) or has
   * applied that revision meanwhile (another instance did); a quarantine that a later applied revision overtook is
   * lifted by the next batch of the stream.
   * @returns whether the stream was quarantined by this call.
   */
  quarantineStream(event: QuarantinedEvent, reason: string, options?: QuarantineOptions): Promise<boolean>;
}

/**
 * The layout of the live tables (read-model-layout.ts) against the one this release needs. A store opened on a new
 * database stamps its tables with the current layout; tables stamped with another one (or with none: created before
 * layout versions) have columns, types or indexes this release's statements do not match, or rows its projections
 * would write differently. They are replaced by a rebuild (`beginRebuild` … `completeRebuild`), whose fresh tables
 * carry the current layout; the rows are never migrated in place.
 */
export interface ReadModelLayout {
  /** The layout version stored with the live checkpoint; null for tables from before layout versions. */
  readonly stored: string | null;
  /** The layout version of this release (READ_MODEL_LAYOUT_VERSION). */
  readonly current: string;
  /** `stored === current`: the live tables can be projected into and read. */
  readonly upToDate: boolean;
}

export interface ReadModelStore extends ReadModelReader, ReadModelWriter {
  readonly kind: 'postgres' | 'sqlite';
  /** The layout of the live tables, read anew on every call (another process may have swapped in a rebuild). */
  layout(): Promise<ReadModelLayout>;
  /**
   * Creates fresh, empty tables, stamped with the current layout, and returns a store writing into them. Readers of
   * this store keep seeing the current tables until `completeRebuild()` swaps the fresh ones in atomically (which is
   * how tables of an older layout are replaced: see ReadModelLayout and rebuildFromLog).
   */
  beginRebuild(): Promise<RebuildingReadModelStore>;
  close(): Promise<void>;
}

export interface CompleteRebuildOptions {
  /**
   * Swap even when the rebuilt tables have applied less of the log than the live ones. Off by default: events the
   * live projector applied but the rebuild did not would otherwise be lost (the live consumer does not see them again).
   */
  readonly allowBehindLive?: boolean;
  /** Keep the replaced tables (PostgreSQL: schema `<schema>__retired_<id>`; SQLite: tables `rt_<id>__<table>`) instead of dropping them. Default false. */
  readonly keepReplaced?: boolean;
}

/**
 * The fresh tables are private until `completeRebuild`, and a crashed rebuild is started over, so an implementation
 * may buffer a rebuild's writes across batches (PostgreSQL does): its readers still see every batch applied, and the
 * swapped-in tables hold every batch, as durable as live ones.
 */
export interface RebuildingReadModelStore extends ReadModelReader, ReadModelWriter {
  readonly rebuildId: string;
  /**
   * Atomically replaces the live tables with the rebuilt ones (readers see the old or the new model, never a mix).
   * @throws RebuildBehindLiveError when the rebuild has not yet applied the live checkpoint position.
   */
  completeRebuild(options?: CompleteRebuildOptions): Promise<void>;
  /** Drops the fresh tables; the live ones stay. */
  abandonRebuild(): Promise<void>;
}

export class RebuildBehindLiveError extends Error {
  override readonly name = 'RebuildBehindLiveError';
  constructor(
    readonly rebuiltPosition: Position | null,
    readonly livePosition: Position | null,
  ) {
    super(
      `The rebuild reached position ${String(rebuiltPosition)} but the live read model is at ${String(livePosition)}: ` +
        'catch up further before swapping.',
    );
  }
}

/**
 * The live read models have another layout than this release's (see ReadModelLayout): a process that only projects
 * into them or reads them (the Kafka projector, the API in Kafka mode) must not use them until `policyctl rebuild`
 * has swapped in tables of the current layout.
 */
export class ReadModelLayoutOutdatedError extends Error {
  override readonly name = 'ReadModelLayoutOutdatedError';
  constructor(readonly layout: ReadModelLayout) {
    super(
      `the read models have layout ${layout.stored ?? 'none (tables from before layout versions)'} but this release ` +
        `needs ${layout.current}: run \`policyctl rebuild\` on them (same READ_MODEL_URL and READ_MODEL_SCHEMA, or ` +
        'DATA_DIR) to rebuild them into fresh tables of this layout and swap them in',
    );
  }
}

/** A query parameter is invalid (the API answers 400). */
export class InvalidReportQueryError extends Error {
  override readonly name = 'InvalidReportQueryError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Days ahead of `asOf` in which a due installment counts as an open receivable (DESIGN 2.5). */
export const OPEN_RECEIVABLES_HORIZON_DAYS = 60;
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;
