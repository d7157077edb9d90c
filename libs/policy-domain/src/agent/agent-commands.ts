/** Agent commands; `data` mirrors the REST bodies (POST /v1/agents, POST /v1/agents/{id}/departure). */
import { type BusinessDate } from '../dates';
import { type AgentRole, type ReassignmentStrategy } from './agent-values';

interface AgentCommandContext {
  /** Business date (YYYY-MM-DD) from the injected clock. */
  readonly today: BusinessDate;
}

export interface RegisterAgent {
  readonly type: 'RegisterAgent';
  readonly data: {
    readonly agentId: string;
    readonly name: string;
    readonly role: AgentRole;
    readonly branchCode: string;
    readonly region: string;
  };
  readonly context: AgentCommandContext;
}

export interface RecordAgentDeparture {
  readonly type: 'RecordAgentDeparture';
  /** `reassignment` defaults to BALANCED. */
  readonly data: { readonly departedOn: BusinessDate; readonly reassignment?: ReassignmentStrategy };
  readonly context: AgentCommandContext;
}

export type AgentCommand = RegisterAgent | RecordAgentDeparture;
