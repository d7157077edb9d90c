import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SendPremiumReminder } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { SendPremiumReminderCommand } from './send-premium-reminder.command';

@CommandHandler(SendPremiumReminderCommand)
export class SendPremiumReminderHandler implements ICommandHandler<SendPremiumReminderCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: SendPremiumReminderCommand): Promise<PolicyCommandResult> {
    const command: SendPremiumReminder = {
      type: 'SendPremiumReminder',
      data: dto,
      context: { today: this.runner.today() },
    };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
