import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { ChangeBeneficiariesDto } from './change-beneficiaries.dto';

export class ChangeBeneficiariesCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: ChangeBeneficiariesDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
