import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/permission.decorator';
import { ApiProblems } from '../common/openapi';
import { GetReportQuery } from './get-report.query';
import type { ReportResultOf } from './report-items';
import {
  AgentWorkloadPageDoc,
  LapsesPageDoc,
  PremiumsDuePageDoc,
  ServicingActivityPageDoc,
  SurvivalBenefitsPageDoc,
  TransfersPageDoc,
  PayablesPageDoc,
  LoansPageDoc,
} from './report-page.doc';
import {
  AgentWorkloadQueryDto,
  LapsesQueryDto,
  PremiumsDueQueryDto,
  ServicingActivityQueryDto,
  SurvivalBenefitsQueryDto,
  TransfersQueryDto,
  PayablesQueryDto,
  LoansQueryDto,
  toReportRequest,
} from './report-query.dto';
import type { ReportName, ReportRequest } from './report-request';

const REPORT_PROBLEMS = [400, 401, 403, 503] as const;
const CAUGHT_UP_NOTE =
  ' Read from the reporting read models (reporter, auditor, supervisor); `caughtUp` says how far they have caught up' +
  ' with the event log. Paged: pass `nextCursor` back as `cursor`.';

/** GET /v1/reports/* (DESIGN 5): one page of a report, with the read models' catch-up position and lag. */
@ApiTags('reports')
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly queries: QueryBus) {}

  private run<Name extends ReportName>(request: ReportRequest & { report: Name }): Promise<ReportResultOf<Name>> {
    return this.queries.execute(new GetReportQuery(request)) as Promise<ReportResultOf<Name>>;
  }

  @Get('premiums-due')
  @RequirePermission('report:read')
  @ApiOperation({
    summary:
      'Premium installments due in [from, to], any status, by due date; overdue judged on asOf.' + CAUGHT_UP_NOTE,
  })
  @ApiOkResponse({ type: PremiumsDuePageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  premiumsDue(@Query() query: PremiumsDueQueryDto): Promise<ReportResultOf<'premiums-due'>> {
    return this.run(toReportRequest.premiumsDue(query));
  }

  @Get('servicing-activity')
  @RequirePermission('report:read')
  @ApiOperation({
    summary: 'Policy transactions per business day, branch and transaction type in [from, to].' + CAUGHT_UP_NOTE,
  })
  @ApiOkResponse({ type: ServicingActivityPageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  servicingActivity(@Query() query: ServicingActivityQueryDto): Promise<ReportResultOf<'servicing-activity'>> {
    return this.run(toReportRequest.servicingActivity(query));
  }

  @Get('agent-workload')
  @RequirePermission('report:read')
  @ApiOperation({
    summary: 'Per agent: policies serviced, open receivables as of asOf, orphans; by agent id.' + CAUGHT_UP_NOTE,
  })
  @ApiOkResponse({ type: AgentWorkloadPageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  agentWorkload(@Query() query: AgentWorkloadQueryDto): Promise<ReportResultOf<'agent-workload'>> {
    return this.run(toReportRequest.agentWorkload(query));
  }

  @Get('survival-benefits')
  @RequirePermission('report:read')
  @ApiOperation({ summary: 'Survival benefits due or paid in [from, to], by due date.' + CAUGHT_UP_NOTE })
  @ApiOkResponse({ type: SurvivalBenefitsPageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  survivalBenefits(@Query() query: SurvivalBenefitsQueryDto): Promise<ReportResultOf<'survival-benefits'>> {
    return this.run(toReportRequest.survivalBenefits(query));
  }

  @Get('lapses')
  @RequirePermission('report:read')
  @ApiOperation({
    summary: 'Lapses that began, were reinstated or ended in termination in [from, to].' + CAUGHT_UP_NOTE,
  })
  @ApiOkResponse({ type: LapsesPageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  lapses(@Query() query: LapsesQueryDto): Promise<ReportResultOf<'lapses'>> {
    return this.run(toReportRequest.lapses(query));
  }

  @Get('transfers')
  @RequirePermission('report:read')
  @ApiOperation({ summary: 'Policy transfers effective in [from, to].' + CAUGHT_UP_NOTE })
  @ApiOkResponse({ type: TransfersPageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  transfers(@Query() query: TransfersQueryDto): Promise<ReportResultOf<'transfers'>> {
    return this.run(toReportRequest.transfers(query));
  }

  @Get('loans')
  @RequirePermission('report:read')
  @ApiOperation({
    summary: 'Loan accounts owed (DESIGN 2.10), with the debt on asOf (default today), by policy.' + CAUGHT_UP_NOTE,
  })
  @ApiOkResponse({ type: LoansPageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  loans(@Query() query: LoansQueryDto): Promise<ReportResultOf<'loans'>> {
    return this.run(toReportRequest.loans(query));
  }

  @Get('payables')
  @RequirePermission('report:read')
  @ApiOperation({
    summary:
      'Payables (DESIGN 2.9) due by a date in [from, to]: what the insurer owes, its legal deadline, DUE/OVERDUE/PAID/' +
      'WITHDRAWN — the payout work list.' +
      CAUGHT_UP_NOTE,
  })
  @ApiOkResponse({ type: PayablesPageDoc })
  @ApiProblems(...REPORT_PROBLEMS)
  payables(@Query() query: PayablesQueryDto): Promise<ReportResultOf<'payables'>> {
    return this.run(toReportRequest.payables(query));
  }
}
