import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { AgentCommandResult } from '../shared/agent-command-result';
import type { RegisterAgentDto } from './register-agent.dto';

export class RegisterAgentCommand extends Command<AgentCommandResult> {
  constructor(
    readonly dto: RegisterAgentDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
