import { Query } from '@nestjs/cqrs';
import type { AgentView } from '@lib/policy-domain';

export interface AgentQueryResult {
  readonly view: AgentView;
}

export class GetAgentQuery extends Query<AgentQueryResult> {
  constructor(readonly agentId: string) {
    super();
  }
}
