import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import { isIssued, policyAggregate, policyStreamId, type IssuedPolicy, type ProductVersion } from '@lib/policy-domain';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { ProductVersionCache } from '../../products/load-product';

/** A policy as it stands, with the product version it was sold under (null when it records none). */
interface PolicyWithProduct {
  readonly policy: IssuedPolicy;
  readonly revision: number;
  readonly product: ProductVersion | null;
}

/** The quotes' common read (cash value, surrender, loan): the policy, 404 when missing, and its product version. */
export class PolicyWithProductReader {
  private readonly productVersions: ProductVersionCache;

  constructor(private readonly store: EventStore) {
    this.productVersions = new ProductVersionCache(store);
  }

  async load(policyId: string): Promise<PolicyWithProduct> {
    const loaded = await loadAggregate(this.store, policyAggregate, policyStreamId(policyId));
    if (loaded.revision === 'no_stream' || !isIssued(loaded.state)) {
      throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.POLICY_NOT_FOUND, `Policy ${policyId} does not exist`);
    }
    const policy = loaded.state;
    const product =
      policy.productVersion === null
        ? null
        : await this.productVersions.load(policy.productCode, policy.productVersion);
    return { policy, revision: loaded.revision, product };
  }
}
