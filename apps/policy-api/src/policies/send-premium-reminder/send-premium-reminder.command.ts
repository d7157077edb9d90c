import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { SendPremiumReminderDto } from './send-premium-reminder.dto';

/** The policy command result plus the id of the reminder sent (`{policyId}-R{n}`), for recording its delivery. */
export interface SendPremiumReminderResult extends PolicyCommandResult {
  readonly reminderId: string;
}

export class SendPremiumReminderCommand extends Command<SendPremiumReminderResult> {
  constructor(
    readonly policyId: string,
    readonly dto: SendPremiumReminderDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
