import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { RecordPremiumPaymentDto } from './record-premium-payment.dto';

export class RecordPremiumPaymentCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: RecordPremiumPaymentDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
