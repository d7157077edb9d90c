import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { loadAggregate } from '@lib/event-sourcing';
import { cashValueOn, isIssued, policyAggregate, policyStreamId } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { loadProductVersion } from '../../products/load-product';
import { GetCashValueQuery, type CashValueResult } from './get-cash-value.query';

/**
 * The policy's cash value on a date under the product version it was sold under. A policy issued before the
 * catalogue (no recorded version) or under a product without a table has none: 422 NO_CASH_VALUE.
 */
@QueryHandler(GetCashValueQuery)
export class GetCashValueHandler implements IQueryHandler<GetCashValueQuery, CashValueResult> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ policyId, on }: GetCashValueQuery): Promise<CashValueResult> {
    const loaded = await loadAggregate(this.runner.store, policyAggregate, policyStreamId(policyId));
    if (loaded.revision === 'no_stream' || !isIssued(loaded.state)) {
      throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.POLICY_NOT_FOUND, `Policy ${policyId} does not exist`);
    }
    const policy = loaded.state;
    const { productCode, productVersion } = policy;
    const product =
      productVersion === null ? null : await loadProductVersion(this.runner.store, productCode, productVersion);
    // The rule (no version, or no table: NO_CASH_VALUE) is the domain's.
    const quote = cashValueOn(policy, product?.cashValuePpm ?? null, on ?? this.runner.today());
    // cashValueOn refused a policy without a version, so productVersion is a number here.
    return { policyId, productCode, productVersion: productVersion!, revision: loaded.revision, ...quote };
  }
}
