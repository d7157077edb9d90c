import { type BusinessDate } from '../dates';
import { type AgentRole, type ReassignmentStrategy } from './agent-values';

export interface AgentRegistered {
  readonly type: 'AgentRegistered';
  readonly data: {
    readonly agentId: string;
    readonly name: string;
    readonly role: AgentRole;
    readonly branchCode: string;
    readonly region: string;
  };
}

/** The process manager reacts by reassigning the agent's policies (unless `reassignment` is MANUAL). */
export interface AgentDeparted {
  readonly type: 'AgentDeparted';
  readonly data: {
    readonly agentId: string;
    readonly departedOn: BusinessDate;
    readonly reassignment: ReassignmentStrategy;
  };
}

export type AgentEvent = AgentRegistered | AgentDeparted;
export type AgentEventType = AgentEvent['type'];
