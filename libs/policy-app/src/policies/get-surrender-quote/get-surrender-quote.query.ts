import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError, isClosed, surrenderQuote, type SurrenderQuote } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { DateField } from '../../common/dto/fields';
import { PolicyWithProductReader } from '../shared/policy-with-product';

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
  private readonly policies: PolicyWithProductReader;

  constructor(private readonly runner: CommandRunner) {
    this.policies = new PolicyWithProductReader(runner.store);
  }

  async execute({ policyId, on }: GetSurrenderQuoteQuery): Promise<SurrenderQuoteResult> {
    const { policy, revision, product } = await this.policies.load(policyId);
    if (isClosed(policy)) {
      throw new DomainError('POLICY_CLOSED', `The policy is ${policy.status}: there is nothing left to surrender.`);
    }
    return { policyId, revision, ...surrenderQuote(policy, product, on ?? this.runner.today()) };
  }
}
