import { Metadata } from '@grpc/grpc-js';
import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GrpcMethod } from '@nestjs/microservices';
import { from, type Observable } from 'rxjs';
import { GetAgentQuery } from '../agents/get-agent/get-agent.query';
import { RequirePermission } from '../auth/permission.decorator';
import { AgentIdPipe, PolicyIdPipe, ProductCodePipe } from '../common/id-params';
import { ExpensiveGrpcRead } from '../limits/grpc-read-limit';
import { GetPolicyEventsQueryDto, MAX_EVENTS_PAGE } from '../policies/get-policy-events/get-policy-events.dto';
import { GetPolicyEventsQuery, type PolicyEventsPage } from '../policies/get-policy-events/get-policy-events.query';
import { GetPolicyQueryDto } from '../policies/get-policy/get-policy.dto';
import { GetPolicyQuery } from '../policies/get-policy/get-policy.query';
import { GetReinstatementQuoteQueryDto } from '../policies/get-reinstatement-quote/get-reinstatement-quote.dto';
import { GetReinstatementQuoteQuery } from '../policies/get-reinstatement-quote/get-reinstatement-quote.query';
import { GetProductQuery } from '../products/get-product/get-product.query';
import { DEFAULT_PAGE_LIMIT } from '@lib/read-models';
import { requestedRows } from '../limits/expensive-reads';
import { GetReportQuery } from '../reports/get-report.query';
import type { ReportResult } from '../reports/report-items';
import { ProductsQueryDto, toReportRequest } from '../reports/report-query.dto';
import { GetCashValueQuery, GetCashValueQueryDto } from '../policies/get-cash-value/get-cash-value.query';
import { GetLoanQuoteQuery, GetLoanQuoteQueryDto } from '../policies/get-loan-quote/get-loan-quote.query';
import {
  GetSurrenderQuoteQuery,
  GetSurrenderQuoteQueryDto,
} from '../policies/get-surrender-quote/get-surrender-quote.query';
import { correlationIdOf, sendResponseMetadata, type GrpcCall } from './grpc-call';
import { CORRELATION_ID_METADATA } from './grpc-errors';
import { GrpcAuthGuard } from './grpc-auth.guard';
import { GrpcMessages, type JsonObject } from './grpc-messages';
import { GrpcProblemFilter } from './grpc-problem.filter';
import { POLICY_QUERY_SERVICE } from './proto-files';

const policyId = { policyId: new PolicyIdPipe() };
/** int64 request fields arrive as numbers; the REST query DTOs validate query-string text. */
const asText = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));

/** PolicyQueryService: the same Nest queries as the REST GET routes. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseFilters(GrpcProblemFilter)
export class PolicyQueryServiceController {
  constructor(
    private readonly queries: QueryBus,
    private readonly messages: GrpcMessages,
  ) {}

  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetPolicy')
  @RequirePermission('policy:read')
  async getPolicy(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids } = this.messages.decode(request, {
      message: 'GetPolicyRequest',
      dto: GetPolicyQueryDto,
      ids: policyId,
      toBody: ({ asOf, revision, effectiveOn }) => ({ asOf, revision: asText(revision), effectiveOn }),
    });
    const at = {
      asOf: dto.asOf,
      revision: dto.revision === undefined ? undefined : Number(dto.revision),
      effectiveOn: dto.effectiveOn,
    };
    const { view } = await this.queries.execute(new GetPolicyQuery(ids.policyId, at));
    return this.messages.reply(call, 'Policy', view, view.revision);
  }

  /**
   * Streams the history page by page (the REST page query, MAX_EVENTS_PAGE at a time) to the end of the stream.
   * The first page is read before the stream opens, so an unknown policy fails with NOT_FOUND and no messages.
   * An expensive read, costing a full page: within the caller's read limits for the whole stream.
   */
  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetPolicyHistory')
  @RequirePermission('policy:read')
  @ExpensiveGrpcRead(() => MAX_EVENTS_PAGE)
  async getPolicyHistory(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<Observable<JsonObject>> {
    const { dto, ids } = this.messages.decode(request, {
      message: 'GetPolicyHistoryRequest',
      dto: GetPolicyEventsQueryDto,
      ids: policyId,
      toBody: ({ fromRevision }) => ({ fromRevision: asText(fromRevision) }),
    });
    const readPage = (fromRevision: number): Promise<PolicyEventsPage> =>
      this.queries.execute(new GetPolicyEventsQuery(ids.policyId, fromRevision, MAX_EVENTS_PAGE));
    const first = await readPage(Number(dto.fromRevision ?? 0));
    sendResponseMetadata(call, first.revision);
    const messages = this.messages;
    async function* entries(): AsyncGenerator<JsonObject> {
      for (let page: PolicyEventsPage | undefined = first; page !== undefined;) {
        for (const entry of page.events) yield messages.message('PolicyHistoryEntry', entry);
        page = page.nextFromRevision === null ? undefined : await readPage(page.nextFromRevision);
      }
    }
    return from(entries());
  }

  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetReinstatementQuote')
  @RequirePermission('policy:read')
  async getReinstatementQuote(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids } = this.messages.decode(request, {
      message: 'GetReinstatementQuoteRequest',
      dto: GetReinstatementQuoteQueryDto,
      ids: policyId,
    });
    const { quote, revision } = await this.queries.execute(new GetReinstatementQuoteQuery(ids.policyId, dto.on));
    return this.messages.reply(call, 'ReinstatementQuote', quote, revision);
  }

  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetCashValue')
  @RequirePermission('policy:read')
  async getCashValue(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids } = this.messages.decode(request, {
      message: 'GetCashValueRequest',
      dto: GetCashValueQueryDto,
      ids: policyId,
    });
    const quote = await this.queries.execute(new GetCashValueQuery(ids.policyId, dto.on));
    return this.messages.reply(call, 'CashValueQuote', quote, quote.revision);
  }

  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetLoanQuote')
  @RequirePermission('policy:read')
  async getLoanQuote(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids } = this.messages.decode(request, {
      message: 'GetLoanQuoteRequest',
      dto: GetLoanQuoteQueryDto,
      ids: policyId,
    });
    const quote = await this.queries.execute(new GetLoanQuoteQuery(ids.policyId, dto.on));
    return this.messages.reply(call, 'LoanQuote', quote, quote.revision);
  }

  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetSurrenderQuote')
  @RequirePermission('policy:read')
  async getSurrenderQuote(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids } = this.messages.decode(request, {
      message: 'GetSurrenderQuoteRequest',
      dto: GetSurrenderQuoteQueryDto,
      ids: policyId,
    });
    const quote = await this.queries.execute(new GetSurrenderQuoteQuery(ids.policyId, dto.on));
    return this.messages.reply(call, 'SurrenderQuote', quote, quote.revision);
  }

  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetAgent')
  @RequirePermission('agent:read')
  async getAgent(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { ids } = this.messages.decode(request, { message: 'GetAgentRequest', ids: { agentId: new AgentIdPipe() } });
    const { view } = await this.queries.execute(new GetAgentQuery(ids.agentId));
    return this.messages.reply(call, 'Agent', view, view.revision);
  }

  @GrpcMethod(POLICY_QUERY_SERVICE, 'GetProduct')
  @RequirePermission('product:read')
  async getProduct(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { ids } = this.messages.decode(request, {
      message: 'GetProductRequest',
      ids: { productCode: new ProductCodePipe() },
    });
    const view = await this.queries.execute(new GetProductQuery(ids.productCode));
    return this.messages.reply(call, 'Product', view, view.revision);
  }

  /** A page of the products read model, as GET /v1/products: an expensive read costing its page size. */
  @GrpcMethod(POLICY_QUERY_SERVICE, 'ListProducts')
  @RequirePermission('product:read')
  @ExpensiveGrpcRead((request) => requestedRows(request.limit, DEFAULT_PAGE_LIMIT))
  async listProducts(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto } = this.messages.decode(request, {
      message: 'ListProductsRequest',
      dto: ProductsQueryDto,
      toBody: (fields) => (fields.limit === undefined ? fields : { ...fields, limit: String(fields.limit) }),
    });
    const page: ReportResult<object> = await this.queries.execute(new GetReportQuery(toReportRequest.products(dto)));
    const metadata = new Metadata();
    metadata.set(CORRELATION_ID_METADATA, correlationIdOf(call));
    call.sendMetadata(metadata);
    return this.messages.message('ProductsPage', page);
  }
}
