import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import type { WaivePremiumDto } from './waive-premium.dto';

export class WaivePremiumCommand extends Command<PolicyCommandResult> {
  constructor(
    readonly policyId: string,
    readonly dto: WaivePremiumDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
