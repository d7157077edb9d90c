import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ReinstatePolicy } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { ReinstatePolicyCommand } from './reinstate-policy.command';

@CommandHandler(ReinstatePolicyCommand)
export class ReinstatePolicyHandler implements ICommandHandler<ReinstatePolicyCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: ReinstatePolicyCommand): Promise<PolicyCommandResult> {
    const command: ReinstatePolicy = { type: 'ReinstatePolicy', data: dto, context: { today: this.runner.today() } };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
