import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TerminatePolicy } from '@lib/policy-domain';
import { AuthService } from '../../auth/auth.service';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { TerminatePolicyCommand } from './terminate-policy.command';

@CommandHandler(TerminatePolicyCommand)
export class TerminatePolicyHandler implements ICommandHandler<TerminatePolicyCommand, PolicyCommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly auth: AuthService,
  ) {}

  execute({ policyId, dto, context }: TerminatePolicyCommand): Promise<PolicyCommandResult> {
    // DESIGN 2.5: the system role may only record LAPSE_EXPIRED terminations (the route admits both roles).
    this.auth.assertAllowed(
      context.actor,
      dto.reason === 'LAPSE_EXPIRED' ? 'policy:terminate-lapse-expired' : 'policy:terminate',
    );
    const command: TerminatePolicy = { type: 'TerminatePolicy', data: dto, context: { today: this.runner.today() } };
    return runPolicyCommand(this.runner, policyId, command, context, dto);
  }
}
