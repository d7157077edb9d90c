import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { ChangeContractDto } from './change-contract.dto';

export class ChangeContractCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: ChangeContractDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
