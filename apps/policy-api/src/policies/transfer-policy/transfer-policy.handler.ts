import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TransferPolicy } from '@lib/policy-domain';
import { loadAgentSnapshot } from '../../agents/shared/load-agent-snapshot';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { TransferPolicyCommand } from './transfer-policy.command';

@CommandHandler(TransferPolicyCommand)
export class TransferPolicyHandler implements ICommandHandler<TransferPolicyCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ policyId, dto, context }: TransferPolicyCommand): Promise<PolicyCommandResult> {
    const toAgent = dto.toAgentId === undefined ? undefined : await loadAgentSnapshot(this.runner.store, dto.toAgentId);
    const command: TransferPolicy = {
      type: 'TransferPolicy',
      data: dto,
      context: { today: this.runner.today(), toAgent },
    };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
