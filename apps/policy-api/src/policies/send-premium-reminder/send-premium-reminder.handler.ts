import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { readEventMetadata, type AppendedEvent } from '@lib/event-sourcing';
import { policyAggregate, policyStreamId, type PolicyEvent, type SendPremiumReminder } from '@lib/policy-domain';
import { CommandRunner, writtenEvents } from '../../common/command-runner';
import { PROBLEM_CODES } from '../../problem/api-problem';
import { SendPremiumReminderCommand, type SendPremiumReminderResult } from './send-premium-reminder.command';

@CommandHandler(SendPremiumReminderCommand)
export class SendPremiumReminderHandler implements ICommandHandler<
  SendPremiumReminderCommand,
  SendPremiumReminderResult
> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ policyId, dto, context }: SendPremiumReminderCommand): Promise<SendPremiumReminderResult> {
    const command: SendPremiumReminder = {
      type: 'SendPremiumReminder',
      data: dto,
      context: { today: this.runner.today() },
    };
    // As runPolicyCommand, keeping the written event's data: the caller needs the reminder id it assigned.
    const result = await this.runner.run(policyAggregate, policyStreamId(policyId), command, context, {
      operation: command.type,
      payload: dto,
      notFoundCode: PROBLEM_CODES.POLICY_NOT_FOUND,
    });
    return { policyId, ...writtenEvents(result), reminderId: sentReminderId(result.events) };
  }
}

/** The reminder id of the PremiumReminderSent written (or replayed for the same Idempotency-Key). */
function sentReminderId(events: readonly AppendedEvent[]): string {
  for (const event of events) {
    const decoded: PolicyEvent = policyAggregate.codec.decode({
      type: event.type,
      data: event.data,
      schemaVersion: readEventMetadata(event.metadata).schemaVersion,
    });
    if (decoded.type === 'PremiumReminderSent') return decoded.data.reminderId;
  }
  throw new Error('SendPremiumReminder wrote no PremiumReminderSent event');
}
