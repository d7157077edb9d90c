import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PaySurvivalBenefit } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { PaySurvivalBenefitCommand } from './pay-survival-benefit.command';

@CommandHandler(PaySurvivalBenefitCommand)
export class PaySurvivalBenefitHandler implements ICommandHandler<PaySurvivalBenefitCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: PaySurvivalBenefitCommand): Promise<PolicyCommandResult> {
    const command: PaySurvivalBenefit = {
      type: 'PaySurvivalBenefit',
      data: dto,
      context: { today: this.runner.today() },
    };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
