import { type BusinessDate } from '../dates';
import { type AgentEvent } from './agent-events';
import { type AgentRole, type AgentSnapshot, type AgentStatus, type ReassignmentStrategy } from './agent-values';

interface UnregisteredAgent {
  readonly status: 'NOT_REGISTERED';
}

interface RegisteredAgent {
  readonly status: AgentStatus;
  readonly agentId: string;
  readonly name: string;
  readonly role: AgentRole;
  readonly branchCode: string;
  readonly region: string;
  readonly departure: { readonly departedOn: BusinessDate; readonly reassignment: ReassignmentStrategy } | null;
}

export type AgentState = UnregisteredAgent | RegisteredAgent;

export function initialAgentState(): AgentState {
  return { status: 'NOT_REGISTERED' };
}

export function isRegistered(state: AgentState): state is RegisteredAgent {
  return state.status !== 'NOT_REGISTERED';
}

export function evolveAgent(state: AgentState, event: AgentEvent): AgentState {
  switch (event.type) {
    case 'AgentRegistered':
      return isRegistered(state) ? state : { status: 'ACTIVE', ...event.data, departure: null };
    case 'AgentDeparted':
      if (!isRegistered(state)) throw new Error(`Corrupt agent stream: AgentDeparted before AgentRegistered`);
      return {
        ...state,
        status: 'DEPARTED',
        departure: { departedOn: event.data.departedOn, reassignment: event.data.reassignment },
      };
    default: {
      const _exhaustive: never = event;
      throw new Error(`Unknown agent event ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** What policy commands need to know about an agent (see ReassignOrphanPolicy, TransferPolicy); null if unknown. */
export function agentSnapshot(state: AgentState): AgentSnapshot | null {
  if (!isRegistered(state)) return null;
  return {
    agentId: state.agentId,
    role: state.role,
    status: state.status,
    branchCode: state.branchCode,
    region: state.region,
  };
}
