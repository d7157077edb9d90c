import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Metadata } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import { DEFAULT_PAGE_LIMIT } from '@lib/read-models';
import { RequirePermission } from '../../auth/permission.decorator';
import { requestedRows } from '../../limits/expensive-reads';
import { ExpensiveGrpcRead } from '../../limits/grpc-read-limit';
import { GetReportQuery } from '../../reports/get-report.query';
import type { ReportResult } from '../../reports/report-items';
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
} from '../../reports/report-query.dto';
import type { ReportRequest } from '../../reports/report-request';
import { correlationIdOf, type GrpcCall } from '../grpc-call';
import { GrpcAuthGuard } from '../grpc-auth.guard';
import { CORRELATION_ID_METADATA } from '../grpc-errors';
import { GrpcMessages, type JsonObject } from '../grpc-messages';
import { GrpcProblemFilter } from '../grpc-problem.filter';
import { REPORT_SERVICE } from '../proto-files';

/** A report rpc costs its page size (`limit`, 0 or absent = the default page) against the caller's read limits. */
const reportPageRows = (request: JsonObject): number => requestedRows(request.limit, DEFAULT_PAGE_LIMIT);

/** The int32 `limit` arrives as a number; the REST DTOs validate query-string text. */
const limitAsText = (fields: JsonObject): JsonObject =>
  fields.limit === undefined ? fields : { ...fields, limit: String(fields.limit) };

/**
 * ReportService (DESIGN 4 and 5): each rpc validates its request with the REST query DTO and runs the same
 * GetReportQuery handler as GET /v1/reports/*; the reply is the REST document as a message. Each is an expensive
 * read: within the caller's read limits (shared with REST), RESOURCE_EXHAUSTED over them.
 */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseFilters(GrpcProblemFilter)
export class ReportServiceController {
  constructor(
    private readonly queries: QueryBus,
    private readonly messages: GrpcMessages,
  ) {}

  private async report(call: GrpcCall, reply: string, request: ReportRequest): Promise<JsonObject> {
    const result: ReportResult<object> = await this.queries.execute(new GetReportQuery(request));
    const metadata = new Metadata();
    metadata.set(CORRELATION_ID_METADATA, correlationIdOf(call));
    call.sendMetadata(metadata);
    return this.messages.message(reply, result);
  }

  @GrpcMethod(REPORT_SERVICE, 'GetPremiumsDue')
  @RequirePermission('report:read')
  @ExpensiveGrpcRead(reportPageRows)
  getPremiumsDue(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, {
      message: 'GetPremiumsDueRequest',
      dto: PremiumsDueQueryDto,
      toBody: limitAsText,
    });
    return this.report(call, 'PremiumsDuePage', toReportRequest.premiumsDue(dto));
  }

  @GrpcMethod(REPORT_SERVICE, 'GetServicingActivity')
  @RequirePermission('report:read')
  @ExpensiveGrpcRead(reportPageRows)
  getServicingActivity(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, {
      message: 'GetServicingActivityRequest',
      dto: ServicingActivityQueryDto,
      toBody: limitAsText,
    });
    return this.report(call, 'ServicingActivityPage', toReportRequest.servicingActivity(dto));
  }

  @GrpcMethod(REPORT_SERVICE, 'GetAgentWorkload')
  @RequirePermission('report:read')
  @ExpensiveGrpcRead(reportPageRows)
  getAgentWorkload(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, {
      message: 'GetAgentWorkloadRequest',
      dto: AgentWorkloadQueryDto,
      toBody: limitAsText,
    });
    return this.report(call, 'AgentWorkloadPage', toReportRequest.agentWorkload(dto));
  }

  @GrpcMethod(REPORT_SERVICE, 'GetSurvivalBenefits')
  @RequirePermission('report:read')
  @ExpensiveGrpcRead(reportPageRows)
  getSurvivalBenefits(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, {
      message: 'DateRangeReportRequest',
      dto: SurvivalBenefitsQueryDto,
      toBody: limitAsText,
    });
    return this.report(call, 'SurvivalBenefitsPage', toReportRequest.survivalBenefits(dto));
  }

  @GrpcMethod(REPORT_SERVICE, 'GetLapses')
  @RequirePermission('report:read')
  @ExpensiveGrpcRead(reportPageRows)
  getLapses(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, {
      message: 'DateRangeReportRequest',
      dto: LapsesQueryDto,
      toBody: limitAsText,
    });
    return this.report(call, 'LapsesPage', toReportRequest.lapses(dto));
  }

  @GrpcMethod(REPORT_SERVICE, 'GetLoans')
  @RequirePermission('report:read')
  getLoans(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, { message: 'GetLoansRequest', dto: LoansQueryDto });
    return this.report(call, 'LoansPage', toReportRequest.loans(dto));
  }

  @GrpcMethod(REPORT_SERVICE, 'GetPayables')
  @RequirePermission('report:read')
  getPayables(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, { message: 'GetPayablesRequest', dto: PayablesQueryDto });
    return this.report(call, 'PayablesPage', toReportRequest.payables(dto));
  }

  @GrpcMethod(REPORT_SERVICE, 'GetTransfers')
  @RequirePermission('report:read')
  @ExpensiveGrpcRead(reportPageRows)
  getTransfers(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, {
      message: 'DateRangeReportRequest',
      dto: TransfersQueryDto,
      toBody: limitAsText,
    });
    return this.report(call, 'TransfersPage', toReportRequest.transfers(dto));
  }
}
