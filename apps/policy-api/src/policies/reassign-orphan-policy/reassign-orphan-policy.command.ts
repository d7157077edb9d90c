import { Command } from '@nestjs/cqrs';
import type { ReassignmentStrategy } from '@lib/policy-domain';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { ReassignOrphanPolicyDto } from './reassign-orphan-policy.dto';

export class ReassignOrphanPolicyCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: ReassignOrphanPolicyDto,
    readonly context: RequestContext,
    /** MANUAL for a supervisor's request; BALANCED or REGION when the orphan process manager assigns by rule. */
    readonly strategy: ReassignmentStrategy = 'MANUAL',
  ) {
    super();
  }
}
