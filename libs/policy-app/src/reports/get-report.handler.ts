import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Clock } from '@lib/event-sourcing';
import {
  InvalidReportQueryError,
  type ReadModelCheckpoint,
  type ReadModelStore,
  type ReportPage,
} from '@lib/read-models';
import { businessDateOf } from '../event-store/system-clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CLOCK } from '../event-store/tokens';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { CatchUpReporter } from '../projections/catch-up';
import { ReadModelConnection, ReadModelsUnavailableError } from '../projections/read-model-connection';
import { GetReportQuery } from './get-report.query';
import {
  agentWorkloadItem,
  lapseItem,
  premiumDueItem,
  productItem,
  servicingActivityItem,
  survivalBenefitItem,
  transferItem,
  payableItem,
  loanItem,
  type ReportResult,
} from './report-items';
import type { ReportRequest } from './report-request';

interface ItemPage {
  readonly items: object[];
  readonly nextCursor: string | null;
  readonly checkpoint: ReadModelCheckpoint;
}

function itemsOf<Row>(page: ReportPage<Row>, toItem: (row: Row) => object): ItemPage {
  return { items: page.rows.map(toItem), nextCursor: page.nextCursor, checkpoint: page.checkpoint };
}

/** Errors of the pg driver and server that mean "unreachable now", not "wrong query". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

function isReadModelUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return /connection terminated|connection timeout|connection error|pool (has ended|after calling end)/i.test(
    error.message,
  );
}

/**
 * A PostgreSQL data exception (SQLSTATE class 22: a value the column type cannot hold, e.g. 22007 invalid date,
 * 22P02 invalid integer, 22021 NUL in text) can only come from a request parameter: the store validates them, this
 * is the safety net that keeps one that slipped through a 400 rather than a 500.
 */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

function unavailable(): ApiProblem {
  return new ApiProblem(
    'UNAVAILABLE',
    PROBLEM_CODES.SERVICE_UNAVAILABLE,
    'The reporting read models are unavailable; retry later',
  );
}

/**
 * Runs a report query on the read models: fills the defaults that depend on today (`asOf`), maps the rows to the
 * API's items and adds how far the read models have caught up with the event log. A query the store refuses
 * (bad cursor, range) or PostgreSQL cannot run on its column types is a 400, an unreachable store a 503.
 */
@QueryHandler(GetReportQuery)
export class GetReportHandler implements IQueryHandler<GetReportQuery, ReportResult<object>> {
  constructor(
    private readonly readModels: ReadModelConnection,
    private readonly catchUp: CatchUpReporter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ request }: GetReportQuery): Promise<ReportResult<object>> {
    let page: ItemPage;
    try {
      page = await this.run(await this.readModels.store(), request);
    } catch (error) {
      if (error instanceof InvalidReportQueryError) {
        throw ApiProblem.validation(error.message, [{ path: error.field, message: error.message }]);
      }
      if (isDataException(error)) {
        throw ApiProblem.validation('A report parameter has a value the read models cannot compare with', [
          { path: '', message: 'a parameter value (e.g. the cursor) does not fit the report' },
        ]);
      }
      if (error instanceof ReadModelsUnavailableError || isReadModelUnreachable(error)) throw unavailable();
      throw error;
    }
    return { items: page.items, nextCursor: page.nextCursor, caughtUp: await this.catchUp.describe(page.checkpoint) };
  }

  private async run(store: ReadModelStore, request: ReportRequest): Promise<ItemPage> {
    const page = { limit: request.limit, cursor: request.cursor };
    switch (request.report) {
      case 'premiums-due': {
        const { from, to, branchCode } = request;
        const asOf = request.asOf ?? this.today();
        return itemsOf(await store.premiumsDue({ from, to, branchCode, asOf, ...page }), premiumDueItem);
      }
      case 'servicing-activity': {
        const { from, to, branchCode } = request;
        return itemsOf(await store.servicingActivity({ from, to, branchCode, ...page }), servicingActivityItem);
      }
      case 'agent-workload': {
        const { branchCode, region } = request;
        const asOf = request.asOf ?? this.today();
        return itemsOf(await store.agentWorkload({ branchCode, region, asOf, ...page }), agentWorkloadItem);
      }
      case 'survival-benefits':
        return itemsOf(
          await store.survivalBenefits({ from: request.from, to: request.to, ...page }),
          survivalBenefitItem,
        );
      case 'lapses':
        return itemsOf(await store.lapses({ from: request.from, to: request.to, ...page }), lapseItem);
      case 'transfers':
        return itemsOf(await store.transfers({ from: request.from, to: request.to, ...page }), transferItem);
      case 'products':
        return itemsOf(await store.products(page), productItem);
      case 'loans': {
        const asOf = request.asOf ?? this.today();
        const rows = await store.loans({ branchCode: request.branchCode, ...page });
        return itemsOf(rows, (row) => loanItem(row, asOf));
      }
      case 'payables': {
        const { from, to, status } = request;
        const asOf = request.asOf ?? this.today();
        return itemsOf(await store.payables({ from, to, status, asOf, ...page }), payableItem);
      }
      default: {
        const _exhaustive: never = request;
        throw new Error(`Unknown report ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  private today(): string {
    return businessDateOf(this.clock.now(), this.config.businessTimeZone);
  }
}
