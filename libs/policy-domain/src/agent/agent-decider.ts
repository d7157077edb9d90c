import { type Decider } from '@lib/event-sourcing';
import { DomainError } from '../errors';
import { isValidAgentId } from '../ids';
import { checkDate, checkHappenedBy } from '../input-checks';
import { type AgentCommand, type RecordAgentDeparture, type RegisterAgent } from './agent-commands';
import { type AgentDeparted, type AgentEvent, type AgentRegistered } from './agent-events';
import { evolveAgent, initialAgentState, isRegistered, type AgentState } from './agent-state';

function registerAgent({ data, context }: RegisterAgent, state: AgentState): AgentRegistered {
  if (isRegistered(state))
    throw new DomainError('AGENT_ALREADY_EXISTS', `Agent ${state.agentId} is already registered.`);
  checkDate(context.today, 'context.today');
  if (!isValidAgentId(data.agentId)) throw new DomainError('INVALID_AGENT_ID', `Invalid agent id ${data.agentId}.`);
  return {
    type: 'AgentRegistered',
    data: { agentId: data.agentId, name: data.name, role: data.role, branchCode: data.branchCode, region: data.region },
  };
}

function recordAgentDeparture({ data, context }: RecordAgentDeparture, state: AgentState): AgentDeparted {
  if (!isRegistered(state)) throw new DomainError('AGENT_NOT_FOUND', 'The agent is not registered.');
  if (state.status !== 'ACTIVE') {
    throw new DomainError('AGENT_NOT_ACTIVE', `Agent ${state.agentId} departed on ${state.departure?.departedOn}.`);
  }
  checkHappenedBy(data.departedOn, 'departedOn', context.today);
  return {
    type: 'AgentDeparted',
    data: { agentId: state.agentId, departedOn: data.departedOn, reassignment: data.reassignment ?? 'BALANCED' },
  };
}

/** @throws DomainError when a rule rejects the command. */
function decideAgent(command: AgentCommand, state: AgentState): AgentEvent[] {
  switch (command.type) {
    case 'RegisterAgent':
      return [registerAgent(command, state)];
    case 'RecordAgentDeparture':
      return [recordAgentDeparture(command, state)];
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown agent command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export const agentDecider: Decider<AgentCommand, AgentEvent, AgentState> = {
  decide: decideAgent,
  evolve: evolveAgent,
  initialState: initialAgentState,
};
