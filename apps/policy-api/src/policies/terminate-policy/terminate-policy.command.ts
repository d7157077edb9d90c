import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { TerminatePolicyDto } from './terminate-policy.dto';

export class TerminatePolicyCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: TerminatePolicyDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
