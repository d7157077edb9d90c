import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { ReinstatePolicyDto } from './reinstate-policy.dto';

export class ReinstatePolicyCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: ReinstatePolicyDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
