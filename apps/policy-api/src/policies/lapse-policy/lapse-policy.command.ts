import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { LapsePolicyDto } from './lapse-policy.dto';

export class LapsePolicyCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: LapsePolicyDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
