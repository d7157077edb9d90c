import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import { agentAggregate, agentSnapshot, agentStreamId, type AgentSnapshot } from '@lib/policy-domain';

/** The cross-aggregate fact a policy command needs about an agent (null when not registered). */
export async function loadAgentSnapshot(
  store: EventStore,
  agentId: string,
  asOf?: string,
): Promise<AgentSnapshot | null> {
  const loaded = await loadAggregate(store, agentAggregate, agentStreamId(agentId), asOf === undefined ? {} : { asOf });
  return agentSnapshot(loaded.state);
}
