import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RegisterAgent } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { AgentCommandResult } from '../shared/agent-command-result';
import { runAgentCommand } from '../shared/run-agent-command';
import { RegisterAgentCommand } from './register-agent.command';

@CommandHandler(RegisterAgentCommand)
export class RegisterAgentHandler implements ICommandHandler<RegisterAgentCommand, AgentCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ dto, context }: RegisterAgentCommand): Promise<AgentCommandResult> {
    const command: RegisterAgent = { type: 'RegisterAgent', data: dto, context: { today: this.runner.today() } };
    return runAgentCommand(this.runner, dto.agentId, command, context, dto);
  }
}
