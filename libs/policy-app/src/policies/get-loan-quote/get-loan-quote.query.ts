import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { loadAggregate } from '@lib/event-sourcing';
import {
  DomainError,
  isClosed,
  isIssued,
  loanQuote,
  policyAggregate,
  policyStreamId,
  type LoanQuote,
} from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { DateField } from '../../common/dto/fields';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { ProductVersionCache } from '../../products/load-product';

export class GetLoanQuoteQueryDto {
  @DateField({ optional: true, description: 'The date a loan would be granted on (default today)' })
  on?: string;
}

/** What may be borrowed on a date (DESIGN 2.10). */
export interface LoanQuoteResult extends LoanQuote {
  readonly policyId: string;
  readonly revision: number;
}

export class GetLoanQuoteQuery extends Query<LoanQuoteResult> {
  constructor(
    readonly policyId: string,
    readonly on: string | undefined,
  ) {
    super();
  }
}

/** The cash value, the product's share of it, the debt and what is still available — as GrantPolicyLoan checks it. */
@QueryHandler(GetLoanQuoteQuery)
export class GetLoanQuoteHandler implements IQueryHandler<GetLoanQuoteQuery, LoanQuoteResult> {
  private readonly productVersions: ProductVersionCache;

  constructor(private readonly runner: CommandRunner) {
    this.productVersions = new ProductVersionCache(runner.store);
  }

  async execute({ policyId, on }: GetLoanQuoteQuery): Promise<LoanQuoteResult> {
    const loaded = await loadAggregate(this.runner.store, policyAggregate, policyStreamId(policyId));
    if (loaded.revision === 'no_stream' || !isIssued(loaded.state)) {
      throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.POLICY_NOT_FOUND, `Policy ${policyId} does not exist`);
    }
    const policy = loaded.state;
    if (isClosed(policy)) {
      throw new DomainError('POLICY_CLOSED', `The policy is ${policy.status}: it lends nothing.`);
    }
    const date = on ?? this.runner.today();
    if (date < policy.effectiveDate) {
      throw new DomainError('DATE_BEFORE_POLICY', `The policy takes effect on ${policy.effectiveDate}, not ${date}.`);
    }
    const product =
      policy.productVersion === null
        ? null
        : await this.productVersions.load(policy.productCode, policy.productVersion);
    return { policyId, revision: loaded.revision, ...loanQuote(policy, product, date) };
  }
}
