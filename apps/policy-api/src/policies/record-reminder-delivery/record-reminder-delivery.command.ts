import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { RecordReminderDeliveryDto } from './record-reminder-delivery.dto';

export class RecordReminderDeliveryCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly reminderId: string,
    readonly dto: RecordReminderDeliveryDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
