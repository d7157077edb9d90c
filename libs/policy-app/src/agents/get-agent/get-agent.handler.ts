import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import { agentAggregate, agentStreamId, agentView } from '@lib/policy-domain';
import { EVENT_STORE } from '../../event-store/tokens';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { GetAgentQuery, type AgentQueryResult } from './get-agent.query';

@QueryHandler(GetAgentQuery)
export class GetAgentHandler implements IQueryHandler<GetAgentQuery, AgentQueryResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ agentId }: GetAgentQuery): Promise<AgentQueryResult> {
    const loaded = await loadAggregate(this.store, agentAggregate, agentStreamId(agentId));
    if (loaded.revision === 'no_stream')
      throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.AGENT_NOT_FOUND, `Agent ${agentId} does not exist`);
    return { view: agentView(loaded.state, { revision: loaded.revision }) };
  }
}
