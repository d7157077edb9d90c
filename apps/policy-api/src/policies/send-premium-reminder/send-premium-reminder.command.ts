import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { SendPremiumReminderDto } from './send-premium-reminder.dto';

export class SendPremiumReminderCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: SendPremiumReminderDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
