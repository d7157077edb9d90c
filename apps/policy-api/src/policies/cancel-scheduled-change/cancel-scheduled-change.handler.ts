import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CancelScheduledChange } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { CancelScheduledChangeCommand } from './cancel-scheduled-change.command';

@CommandHandler(CancelScheduledChangeCommand)
export class CancelScheduledChangeHandler implements ICommandHandler<
  CancelScheduledChangeCommand,
  PolicyCommandResult
> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, endorsementNo, context }: CancelScheduledChangeCommand): Promise<PolicyCommandResult> {
    const data = { endorsementNo };
    const command: CancelScheduledChange = {
      type: 'CancelScheduledChange',
      data,
      context: { today: this.runner.today() },
    };
    return runPolicyCommand(this.runner, policyId, command, context, data);
  }
}
