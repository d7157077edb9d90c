import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ChangeBeneficiaries } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { ChangeBeneficiariesCommand } from './change-beneficiaries.command';

@CommandHandler(ChangeBeneficiariesCommand)
export class ChangeBeneficiariesHandler implements ICommandHandler<ChangeBeneficiariesCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: ChangeBeneficiariesCommand): Promise<PolicyCommandResult> {
    const command: ChangeBeneficiaries = {
      type: 'ChangeBeneficiaries',
      data: dto,
      context: { today: this.runner.today() },
    };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
