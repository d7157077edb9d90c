import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { IssuePolicyDto } from './issue-policy.dto';

export class IssuePolicyCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly dto: IssuePolicyDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
