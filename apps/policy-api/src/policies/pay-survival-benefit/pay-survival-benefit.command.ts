import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { PaySurvivalBenefitDto } from './pay-survival-benefit.dto';

export class PaySurvivalBenefitCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: PaySurvivalBenefitDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
