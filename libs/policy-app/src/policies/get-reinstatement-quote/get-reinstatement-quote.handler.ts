import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { loadAggregate } from '@lib/event-sourcing';
import { policyAggregate, policyStreamId, reinstatementQuote } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { GetReinstatementQuoteQuery, type ReinstatementQuoteResult } from './get-reinstatement-quote.query';

@QueryHandler(GetReinstatementQuoteQuery)
export class GetReinstatementQuoteHandler implements IQueryHandler<
  GetReinstatementQuoteQuery,
  ReinstatementQuoteResult
> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ policyId, on }: GetReinstatementQuoteQuery): Promise<ReinstatementQuoteResult> {
    const loaded = await loadAggregate(this.runner.store, policyAggregate, policyStreamId(policyId));
    if (loaded.revision === 'no_stream')
      throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.POLICY_NOT_FOUND, `Policy ${policyId} does not exist`);
    return { quote: reinstatementQuote(loaded.state, on ?? this.runner.today()), revision: loaded.revision };
  }
}
