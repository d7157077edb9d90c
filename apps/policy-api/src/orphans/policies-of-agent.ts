import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import {
  isClosed,
  isIssued,
  policyAggregate,
  policyEventCodec,
  policyIdFromStreamId,
  policyStreamId,
  type IssuedPolicy,
} from '@lib/policy-domain';

const PAGE = 1000;
/** The only policy events that name a servicing agent. */
const NAMING_AN_AGENT = new Set(['PolicyIssued', 'PolicyTransferred', 'OrphanPolicyReassigned']);

/**
 * The open (IN_FORCE or LAPSED) policies an agent services now, in policyId order. The read models have no "policies
 * of agent" query, so the log is scanned once for the policies whose events ever named the agent, and each of those
 * is then judged on its own folded stream (the domain's truth, not a projection's).
 */
export async function openPoliciesOfAgent(store: EventStore, agentId: string): Promise<IssuedPolicy[]> {
  const named = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: PAGE });
    for (const recorded of page) {
      if (!NAMING_AN_AGENT.has(recorded.type)) continue;
      const policyId = policyIdFromStreamId(recorded.streamId);
      if (policyId === null || named.has(policyId)) continue;
      const schemaVersion = typeof recorded.metadata.schemaVersion === 'number' ? recorded.metadata.schemaVersion : 1;
      const event = policyEventCodec.decode({ type: recorded.type, data: recorded.data, schemaVersion });
      const mentioned =
        (event.type === 'PolicyIssued' && event.data.servicing.agentId === agentId) ||
        (event.type === 'PolicyTransferred' && event.data.toAgentId === agentId) ||
        (event.type === 'OrphanPolicyReassigned' && event.data.toAgentId === agentId);
      if (mentioned) named.add(policyId);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1].position;
  }
  const policies: IssuedPolicy[] = [];
  for (const policyId of [...named].sort()) {
    const { state } = await loadAggregate(store, policyAggregate, policyStreamId(policyId));
    if (isIssued(state) && !isClosed(state) && state.servicing.agentId === agentId) policies.push(state);
  }
  return policies;
}
