import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ChangeContract } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { ChangeContractCommand } from './change-contract.command';

@CommandHandler(ChangeContractCommand)
export class ChangeContractHandler implements ICommandHandler<ChangeContractCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: ChangeContractCommand): Promise<PolicyCommandResult> {
    const command: ChangeContract = { type: 'ChangeContract', data: dto, context: { today: this.runner.today() } };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
