import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { loadAggregate } from '@lib/event-sourcing';
import {
  DomainError,
  isClosed,
  isIssued,
  policyAggregate,
  policyStreamId,
  surrenderQuote,
  type SurrenderQuote,
} from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { DateField } from '../../common/dto/fields';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { ProductVersionCache } from '../../products/load-product';

export class GetSurrenderQuoteQueryDto {
  @DateField({ optional: true, description: 'The date the surrender would be requested on (default today)' })
  on?: string;
}

/** The breakdown SurrenderPolicy would record on the date (DESIGN 2.9). */
export interface SurrenderQuoteResult extends SurrenderQuote {
  readonly policyId: string;
  readonly revision: number;
}

export class GetSurrenderQuoteQuery extends Query<SurrenderQuoteResult> {
  constructor(
    readonly policyId: string,
    readonly on: string | undefined,
  ) {
    super();
  }
}

/**
 * What a surrender requested on a date pays: the cash value under the product version the policy was sold under, the
 * loan debt, the premium paid in advance, the payout and its deadline — the same computation as the command.
 */
@QueryHandler(GetSurrenderQuoteQuery)
export class GetSurrenderQuoteHandler implements IQueryHandler<GetSurrenderQuoteQuery, SurrenderQuoteResult> {
  private readonly productVersions: ProductVersionCache;

  constructor(private readonly runner: CommandRunner) {
    this.productVersions = new ProductVersionCache(runner.store);
  }

  async execute({ policyId, on }: GetSurrenderQuoteQuery): Promise<SurrenderQuoteResult> {
    const loaded = await loadAggregate(this.runner.store, policyAggregate, policyStreamId(policyId));
    if (loaded.revision === 'no_stream' || !isIssued(loaded.state)) {
      throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.POLICY_NOT_FOUND, `Policy ${policyId} does not exist`);
    }
    const policy = loaded.state;
    if (isClosed(policy)) {
      throw new DomainError('POLICY_CLOSED', `The policy is ${policy.status}: there is nothing left to surrender.`);
    }
    const product =
      policy.productVersion === null
        ? null
        : await this.productVersions.load(policy.productCode, policy.productVersion);
    const quote = surrenderQuote(policy, product, on ?? this.runner.today());
    return { policyId, revision: loaded.revision, ...quote };
  }
}
