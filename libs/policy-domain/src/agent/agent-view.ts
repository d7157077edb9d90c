import { type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { isRegistered, type AgentState } from './agent-state';
import { type AgentRole, type AgentStatus, type ReassignmentStrategy } from './agent-values';

export interface AgentView {
  readonly agentId: string;
  readonly revision: number;
  readonly name: string;
  readonly role: AgentRole;
  readonly branchCode: string;
  readonly region: string;
  readonly status: AgentStatus;
  readonly departedOn: BusinessDate | null;
  readonly reassignment: ReassignmentStrategy | null;
}

/** GET /v1/agents/{id}. @throws DomainError AGENT_NOT_FOUND for an unregistered agent. */
export function agentView(state: AgentState, options: { readonly revision: number }): AgentView {
  if (!isRegistered(state)) throw new DomainError('AGENT_NOT_FOUND', 'The agent is not registered.');
  return {
    agentId: state.agentId,
    revision: options.revision,
    name: state.name,
    role: state.role,
    branchCode: state.branchCode,
    region: state.region,
    status: state.status,
    departedOn: state.departure?.departedOn ?? null,
    reassignment: state.departure?.reassignment ?? null,
  };
}
