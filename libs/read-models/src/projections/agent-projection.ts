/**
 * Projection of agent streams into agent_workload. Only the agent's own facts are stored; its workload (policies,
 * open receivables, orphans) is aggregated from policy_summary and premium_installments when the report is read.
 * That is deliberate: agent and policy events travel on different Kafka topics and partitions, so their relative order
 * is not guaranteed, and counters kept across streams would depend on it. An aggregate over rows that each stream
 * owns is correct in any interleaving.
 */
import { evolveAgent, isRegistered, type AgentState } from '@lib/policy-domain';
import { type AgentRow } from '../read-model-rows';
import { type AgentProjectionEvent } from './projection-event';
import { upsert, type RowChange } from './row-changes';

interface AgentProjection {
  readonly state: AgentState;
  readonly changes: RowChange[];
}

function agentRow(state: AgentState): AgentRow | null {
  if (!isRegistered(state)) return null;
  return {
    agentId: state.agentId,
    name: state.name,
    role: state.role,
    branchCode: state.branchCode,
    region: state.region,
    status: state.status,
    departedOn: state.departure?.departedOn ?? null,
    reassignment: state.departure?.reassignment ?? null,
  };
}

export function projectAgentEvent(projected: AgentProjectionEvent, before: AgentState): AgentProjection {
  const after = evolveAgent(before, projected.event);
  const row = agentRow(after);
  return { state: after, changes: row ? [upsert('agent_workload', row)] : [] };
}
