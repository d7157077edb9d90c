import { Module } from '@nestjs/common';
import { GetCashValueHandler } from './get-cash-value/get-cash-value.handler';
import { GetLoanQuoteHandler } from './get-loan-quote/get-loan-quote.query';
import { GetSurrenderQuoteHandler } from './get-surrender-quote/get-surrender-quote.query';
import { GetPolicyEventsHandler } from './get-policy-events/get-policy-events.handler';
import { GetPolicyHandler } from './get-policy/get-policy.handler';
import { GetReinstatementQuoteHandler } from './get-reinstatement-quote/get-reinstatement-quote.handler';
import { PolicyQueriesController } from './policy-queries.controller';

/** The policy queries; the policy commands are operations (operations/operations.ts). */
@Module({
  controllers: [PolicyQueriesController],
  providers: [
    GetPolicyHandler,
    GetPolicyEventsHandler,
    GetReinstatementQuoteHandler,
    GetCashValueHandler,
    GetSurrenderQuoteHandler,
    GetLoanQuoteHandler,
  ],
})
export class PoliciesModule {}
