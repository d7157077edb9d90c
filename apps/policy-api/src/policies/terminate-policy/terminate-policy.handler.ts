import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TerminatePolicy } from '@lib/policy-domain';
import { AuthService } from '../../auth/auth.service';
import { CommandRunner } from '../../common/command-runner';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { TerminatePolicyCommand } from './terminate-policy.command';

/** The terminations the scheduler records (DESIGN 2.5 and 6); every other reason is a supervisor's decision. */
const SCHEDULED_REASONS: readonly TerminatePolicy['data']['reason'][] = ['LAPSE_EXPIRED', 'EXPIRY'];

@CommandHandler(TerminatePolicyCommand)
export class TerminatePolicyHandler implements ICommandHandler<TerminatePolicyCommand, PolicyCommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly auth: AuthService,
  ) {}

  execute({ policyId, dto, context }: TerminatePolicyCommand): Promise<PolicyCommandResult> {
    // The route admits supervisor and system; the system role may only record LAPSE_EXPIRED and EXPIRY.
    this.auth.assertAllowed(
      context.actor,
      SCHEDULED_REASONS.includes(dto.reason) ? 'policy:terminate-scheduled' : 'policy:terminate',
    );
    const data: TerminatePolicy['data'] = {
      terminatedOn: dto.terminatedOn,
      reason: dto.reason,
      ...(dto.ground === undefined ? {} : { ground: dto.ground }),
      ...(dto.groundKnownOn === undefined ? {} : { groundKnownOn: dto.groundKnownOn }),
    };
    const command: TerminatePolicy = { type: 'TerminatePolicy', data, context: { today: this.runner.today() } };
    return runPolicyCommand(this.runner, policyId, command, context, data);
  }
}
