import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WaivePremium } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { WaivePremiumCommand } from './waive-premium.command';

@CommandHandler(WaivePremiumCommand)
export class WaivePremiumHandler implements ICommandHandler<WaivePremiumCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: WaivePremiumCommand): Promise<PolicyCommandResult> {
    const command: WaivePremium = { type: 'WaivePremium', data: dto, context: { today: this.runner.today() } };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
