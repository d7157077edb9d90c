import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { PolicyView, ReinstatementQuote } from '@lib/policy-domain';
import { RequirePermission } from '../auth/permission.decorator';
import { PolicyIdPipe } from '../common/id-params';
import { ApiProblems, QUERY_PROBLEMS } from '../common/openapi';
import { ApiProblem } from '../problem/api-problem';
import { GetPolicyEventsQueryDto, DEFAULT_EVENTS_PAGE } from './get-policy-events/get-policy-events.dto';
import { GetPolicyEventsQuery, type PolicyEventsPage } from './get-policy-events/get-policy-events.query';
import { GetPolicyQueryDto } from './get-policy/get-policy.dto';
import { GetPolicyQuery } from './get-policy/get-policy.query';
import {
  CashValueQuoteDoc,
  PolicyEventsPageDoc,
  PolicyViewDoc,
  ReinstatementQuoteDoc,
  LoanQuoteDoc,
  SurrenderQuoteDoc,
} from './get-policy/policy-view.doc';
import { GetLoanQuoteQuery, GetLoanQuoteQueryDto, type LoanQuoteResult } from './get-loan-quote/get-loan-quote.query';
import {
  GetSurrenderQuoteQuery,
  GetSurrenderQuoteQueryDto,
  type SurrenderQuoteResult,
} from './get-surrender-quote/get-surrender-quote.query';
import { GetCashValueQuery, GetCashValueQueryDto, type CashValueResult } from './get-cash-value/get-cash-value.query';
import { GetReinstatementQuoteQueryDto } from './get-reinstatement-quote/get-reinstatement-quote.dto';
import { GetReinstatementQuoteQuery } from './get-reinstatement-quote/get-reinstatement-quote.query';

@ApiTags('policy queries')
@Controller('v1/policies')
export class PolicyQueriesController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary:
      'The policy (clerk, supervisor, auditor): current, after ?revision=n, or as recorded at ?asOf=<instant>; ' +
      'the contract as in force on ?effectiveOn=YYYY-MM-DD (default today)',
    description:
      'Two time axes (DESIGN 2.6, 2.7): asOf/revision choose what was known (the events folded), effectiveOn the ' +
      'business date the contract is shown on — its terms, schedule and status by law that day, beside the recorded ' +
      'status, with the endorsements scheduled after it. 422 DATE_BEFORE_POLICY for a date before the policy took effect.',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiOkResponse({
    type: PolicyViewDoc,
    headers: { ETag: { description: '"<revision>" of the state shown', schema: { type: 'string' } } },
  })
  @ApiProblems(...QUERY_PROBLEMS, 422)
  async get(
    @Param('id', PolicyIdPipe) policyId: string,
    @Query() query: GetPolicyQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyView> {
    if (query.asOf !== undefined && query.revision !== undefined) {
      throw ApiProblem.validation('Give either asOf or revision, not both', [
        { path: 'asOf', message: 'not together with revision' },
      ]);
    }
    const at = {
      asOf: query.asOf,
      revision: query.revision === undefined ? undefined : Number(query.revision),
      effectiveOn: query.effectiveOn,
    };
    const { view } = await this.queries.execute(new GetPolicyQuery(policyId, at));
    response.setHeader('ETag', `"${view.revision}"`);
    return view;
  }

  @Get(':id/events')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "The policy's history with audit metadata, in revision order, paged" })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiOkResponse({ type: PolicyEventsPageDoc })
  @ApiProblems(...QUERY_PROBLEMS)
  async events(
    @Param('id', PolicyIdPipe) policyId: string,
    @Query() query: GetPolicyEventsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyEventsPage> {
    const page = await this.queries.execute(
      new GetPolicyEventsQuery(policyId, Number(query.fromRevision ?? 0), Number(query.limit ?? DEFAULT_EVENTS_PAGE)),
    );
    response.setHeader('ETag', `"${page.revision}"`);
    return page;
  }

  @Get(':id/reinstatement-quote')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: 'Reinstatement arrears of a lapsed policy on a date (?on=YYYY-MM-DD, default today)' })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiOkResponse({ type: ReinstatementQuoteDoc })
  @ApiProblems(...QUERY_PROBLEMS, 422)
  async reinstatementQuote(
    @Param('id', PolicyIdPipe) policyId: string,
    @Query() query: GetReinstatementQuoteQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReinstatementQuote> {
    const { quote, revision } = await this.queries.execute(new GetReinstatementQuoteQuery(policyId, query.on));
    response.setHeader('ETag', `"${revision}"`);
    return quote;
  }

  @Get(':id/cash-value')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary: 'Cash value on a date (?on=YYYY-MM-DD, default today) under the product version it was sold under',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiOkResponse({ type: CashValueQuoteDoc })
  @ApiProblems(...QUERY_PROBLEMS, 422)
  async cashValue(
    @Param('id', PolicyIdPipe) policyId: string,
    @Query() query: GetCashValueQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CashValueResult> {
    const quote = await this.queries.execute(new GetCashValueQuery(policyId, query.on));
    response.setHeader('ETag', `"${quote.revision}"`);
    return quote;
  }

  @Get(':id/surrender-quote')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary:
      'Surrender quote (clerk, supervisor, auditor): what SurrenderPolicy would pay on ?on=YYYY-MM-DD (default today) — ' +
      'cash value − loan debt + premium paid in advance, and the deadline to pay it (DESIGN 2.9)',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiOkResponse({ type: SurrenderQuoteDoc })
  @ApiProblems(...QUERY_PROBLEMS, 422)
  async surrenderQuote(
    @Param('id', PolicyIdPipe) policyId: string,
    @Query() query: GetSurrenderQuoteQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SurrenderQuoteResult> {
    const quote = await this.queries.execute(new GetSurrenderQuoteQuery(policyId, query.on));
    response.setHeader('ETag', `"${quote.revision}"`);
    return quote;
  }

  @Get(':id/loan-quote')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary:
      'Loan quote (clerk, supervisor, auditor): on ?on=YYYY-MM-DD (default today) the cash value, the product’s ' +
      'share of it, the debt and what a new loan may still be (DESIGN 2.10); 422 LOAN_NOT_ALLOWED, NO_CASH_VALUE',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiOkResponse({ type: LoanQuoteDoc })
  @ApiProblems(...QUERY_PROBLEMS, 422)
  async loanQuote(
    @Param('id', PolicyIdPipe) policyId: string,
    @Query() query: GetLoanQuoteQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoanQuoteResult> {
    const quote = await this.queries.execute(new GetLoanQuoteQuery(policyId, query.on));
    response.setHeader('ETag', `"${quote.revision}"`);
    return quote;
  }
}
