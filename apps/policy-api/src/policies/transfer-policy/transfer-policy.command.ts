import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { TransferPolicyDto } from './transfer-policy.dto';

export class TransferPolicyCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: TransferPolicyDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
