import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RecordPremiumPayment } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { RecordPremiumPaymentCommand } from './record-premium-payment.command';

@CommandHandler(RecordPremiumPaymentCommand)
export class RecordPremiumPaymentHandler implements ICommandHandler<RecordPremiumPaymentCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ policyId, dto, context }: RecordPremiumPaymentCommand): Promise<PolicyCommandResult> {
    const command: RecordPremiumPayment = {
      type: 'RecordPremiumPayment',
      data: dto,
      context: { today: this.runner.today() },
    };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
