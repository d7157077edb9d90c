import { Query } from '@nestjs/cqrs';
import type { PolicyView } from '@lib/policy-domain';

export interface PolicyQueryResult {
  readonly view: PolicyView;
}

/**
 * The current state, or the state after `revision`, or the state from the events recorded at or before `asOf`; the
 * contract shown as in force on `effectiveOn` (default: today's business date, or the policy's effective date while
 * it lies after today).
 */
export class GetPolicyQuery extends Query<PolicyQueryResult> {
  constructor(
    readonly policyId: string,
    readonly at: { readonly revision?: number; readonly asOf?: string; readonly effectiveOn?: string } = {},
  ) {
    super();
  }
}
