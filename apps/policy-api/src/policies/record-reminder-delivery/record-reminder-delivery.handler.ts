import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RecordReminderDelivery } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { RecordReminderDeliveryCommand } from './record-reminder-delivery.command';

@CommandHandler(RecordReminderDeliveryCommand)
export class RecordReminderDeliveryHandler implements ICommandHandler<
  RecordReminderDeliveryCommand,
  PolicyCommandResult
> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, reminderId, dto, context }: RecordReminderDeliveryCommand): Promise<PolicyCommandResult> {
    const data = { reminderId, outcome: dto.outcome, recordedOn: dto.recordedOn };
    const command: RecordReminderDelivery = {
      type: 'RecordReminderDelivery',
      data,
      context: { today: this.runner.today() },
    };
    return runPolicyCommand(this.runner, policyId, command, context, data);
  }
}
