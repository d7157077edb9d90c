import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { cashValueOn } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { PolicyWithProductReader } from '../shared/policy-with-product';
import { GetCashValueQuery, type CashValueResult } from './get-cash-value.query';

/**
 * The policy's cash value on a date under the product version it was sold under. A policy issued before the
 * catalogue (no recorded version) or under a product without a table has none: 422 NO_CASH_VALUE.
 */
@QueryHandler(GetCashValueQuery)
export class GetCashValueHandler implements IQueryHandler<GetCashValueQuery, CashValueResult> {
  private readonly policies: PolicyWithProductReader;

  constructor(private readonly runner: CommandRunner) {
    this.policies = new PolicyWithProductReader(runner.store);
  }

  async execute({ policyId, on }: GetCashValueQuery): Promise<CashValueResult> {
    const { policy, revision, product } = await this.policies.load(policyId);
    // The rule (no version, or no table: NO_CASH_VALUE) is the domain's.
    const quote = cashValueOn(policy, product?.cashValuePpm ?? null, on ?? this.runner.today());
    // cashValueOn refused a policy without a version, so productVersion is a number here.
    return { policyId, productCode: policy.productCode, productVersion: policy.productVersion!, revision, ...quote };
  }
}
