import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';

/** The endorsement to withdraw comes from the path; the request has no body fields. */
export class CancelScheduledChangeCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly endorsementNo: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
