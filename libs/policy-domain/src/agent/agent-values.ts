/** Agent value types shared with the policy aggregate (which sees agents only as snapshots in command context). */
export const AGENT_ROLES = ['SALES', 'SERVICING'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const AGENT_STATUSES = ['ACTIVE', 'DEPARTED'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** How a departed agent's policies are reassigned: BALANCED (default) and REGION by the process manager, MANUAL by a supervisor. */
export const REASSIGNMENT_STRATEGIES = ['BALANCED', 'REGION', 'MANUAL'] as const;
export type ReassignmentStrategy = (typeof REASSIGNMENT_STRATEGIES)[number];

/** What a policy command needs to know about an agent, loaded by the handler from the agent stream. */
export interface AgentSnapshot {
  readonly agentId: string;
  readonly role: AgentRole;
  readonly status: AgentStatus;
  readonly branchCode: string;
  readonly region: string;
}
