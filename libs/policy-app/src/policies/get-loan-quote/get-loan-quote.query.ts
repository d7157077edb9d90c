import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError, isClosed, loanQuote, type LoanQuote } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { DateField } from '../../common/dto/fields';
import { PolicyWithProductReader } from '../shared/policy-with-product';

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
  private readonly policies: PolicyWithProductReader;

  constructor(private readonly runner: CommandRunner) {
    this.policies = new PolicyWithProductReader(runner.store);
  }

  async execute({ policyId, on }: GetLoanQuoteQuery): Promise<LoanQuoteResult> {
    const { policy, revision, product } = await this.policies.load(policyId);
    if (isClosed(policy)) throw new DomainError('POLICY_CLOSED', `The policy is ${policy.status}: it lends nothing.`);
    const date = on ?? this.runner.today();
    if (date < policy.effectiveDate) {
      throw new DomainError('DATE_BEFORE_POLICY', `The policy takes effect on ${policy.effectiveDate}, not ${date}.`);
    }
    return { policyId, revision, ...loanQuote(policy, product, date) };
  }
}
