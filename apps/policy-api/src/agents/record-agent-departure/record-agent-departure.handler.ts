import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RecordAgentDeparture } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { AgentCommandResult } from '../shared/agent-command-result';
import { runAgentCommand } from '../shared/run-agent-command';
import { RecordAgentDepartureCommand } from './record-agent-departure.command';

@CommandHandler(RecordAgentDepartureCommand)
export class RecordAgentDepartureHandler implements ICommandHandler<RecordAgentDepartureCommand, AgentCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ agentId, dto, context }: RecordAgentDepartureCommand): Promise<AgentCommandResult> {
    const command: RecordAgentDeparture = {
      type: 'RecordAgentDeparture',
      data: dto,
      context: { today: this.runner.today() },
    };
    return runAgentCommand(this.runner, agentId, command, context, dto);
  }
}
