import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import { isClosed, isIssued, policyAggregate, policyStreamId, type IssuedPolicy } from '@lib/policy-domain';
import type { ReadModelReader } from '@lib/read-models';

/**
 * The open (IN_FORCE or LAPSED) policies an agent services now, in policyId order. The candidates come from the read
 * models (policy_summary by agent: the caller first waits until they have caught up with the log); each is then judged
 * on its own folded stream (the domain's truth, not a projection's), so a row that is stale after all only drops out.
 */
export async function openPoliciesOfAgent(
  store: EventStore,
  readModels: ReadModelReader,
  agentId: string,
): Promise<IssuedPolicy[]> {
  const policies: IssuedPolicy[] = [];
  for (const policyId of await readModels.policiesOfAgent(agentId)) {
    const { state } = await loadAggregate(store, policyAggregate, policyStreamId(policyId));
    if (isIssued(state) && !isClosed(state) && state.servicing.agentId === agentId) policies.push(state);
  }
  return policies.sort((a, b) => (a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0));
}
