import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { LapsePolicy } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { LapsePolicyCommand } from './lapse-policy.command';

@CommandHandler(LapsePolicyCommand)
export class LapsePolicyHandler implements ICommandHandler<LapsePolicyCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: LapsePolicyCommand): Promise<PolicyCommandResult> {
    const command: LapsePolicy = { type: 'LapsePolicy', data: dto, context: { today: this.runner.today() } };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
