import { DomainError } from '../errors';
import { givenAgent } from '../testing/decider-specification';
import { type RecordAgentDeparture, type RegisterAgent } from './agent-commands';
import { type AgentEvent } from './agent-events';
import { agentSnapshot, evolveAgent, initialAgentState } from './agent-state';
import { agentView } from './agent-view';

const registerAgent = (overrides: Partial<RegisterAgent['data']> = {}): RegisterAgent => ({
  type: 'RegisterAgent',
  data: { agentId: 'A-001', name: 'Zhang San', role: 'SERVICING', branchCode: 'BJ01', region: 'NORTH', ...overrides },
  context: { today: '2024-01-02' },
});
const recordDeparture = (data: RecordAgentDeparture['data'], today = '2025-01-31'): RecordAgentDeparture => ({
  type: 'RecordAgentDeparture',
  data,
  context: { today },
});
const registered: AgentEvent = {
  type: 'AgentRegistered',
  data: { agentId: 'A-001', name: 'Zhang San', role: 'SERVICING', branchCode: 'BJ01', region: 'NORTH' },
};
const departed: AgentEvent = {
  type: 'AgentDeparted',
  data: { agentId: 'A-001', departedOn: '2025-01-31', reassignment: 'BALANCED' },
};

describe('agent decider', () => {
  it('RegisterAgent registers a new agent', () => {
    givenAgent([]).when(registerAgent()).then([registered]);
  });

  it('RegisterAgent for an existing agent → 409 AGENT_ALREADY_EXISTS', () => {
    expect(givenAgent([registered]).when(registerAgent()).thenThrows('AGENT_ALREADY_EXISTS').kind).toBe('conflict');
  });

  it('RegisterAgent with a malformed id → INVALID_AGENT_ID', () => {
    givenAgent([])
      .when(registerAgent({ agentId: 'a' }))
      .thenThrows('INVALID_AGENT_ID');
  });

  it('RecordAgentDeparture defaults to BALANCED reassignment', () => {
    givenAgent([registered])
      .when(recordDeparture({ departedOn: '2025-01-31' }))
      .then([departed]);
  });

  it('RecordAgentDeparture records REGION or MANUAL reassignment when asked', () => {
    givenAgent([registered])
      .when(recordDeparture({ departedOn: '2025-01-31', reassignment: 'MANUAL' }))
      .then([{ type: 'AgentDeparted', data: { agentId: 'A-001', departedOn: '2025-01-31', reassignment: 'MANUAL' } }]);
  });

  it('RecordAgentDeparture for an unknown agent → 404 AGENT_NOT_FOUND', () => {
    expect(
      givenAgent([])
        .when(recordDeparture({ departedOn: '2025-01-31' }))
        .thenThrows('AGENT_NOT_FOUND').kind,
    ).toBe('not_found');
  });

  it('RecordAgentDeparture for an agent who already left → AGENT_NOT_ACTIVE', () => {
    givenAgent([registered, departed])
      .when(recordDeparture({ departedOn: '2025-02-28' }, '2025-03-01'))
      .thenThrows('AGENT_NOT_ACTIVE');
  });

  it('RecordAgentDeparture dated after today → DATE_IN_FUTURE', () => {
    givenAgent([registered])
      .when(recordDeparture({ departedOn: '2025-02-01' }, '2025-01-31'))
      .thenThrows('DATE_IN_FUTURE');
  });

  it('gives policy commands a snapshot and the API a view of the agent', () => {
    const state = [registered, departed].reduce(evolveAgent, initialAgentState());
    expect(agentSnapshot(state)).toEqual({
      agentId: 'A-001',
      role: 'SERVICING',
      status: 'DEPARTED',
      branchCode: 'BJ01',
      region: 'NORTH',
    });
    expect(agentSnapshot(initialAgentState())).toBeNull();
    expect(agentView(state, { revision: 1 })).toEqual({
      agentId: 'A-001',
      revision: 1,
      name: 'Zhang San',
      role: 'SERVICING',
      branchCode: 'BJ01',
      region: 'NORTH',
      status: 'DEPARTED',
      departedOn: '2025-01-31',
      reassignment: 'BALANCED',
    });
    expect(() => agentView(initialAgentState(), { revision: 0 })).toThrow(DomainError);
  });
});
