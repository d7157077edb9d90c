import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ruleProfileFor, type IssuePolicy, type RuleProfile } from '@lib/policy-domain';
import { loadAgentSnapshot } from '../../agents/shared/load-agent-snapshot';
import { CommandRunner } from '../../common/command-runner';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { runPolicyCommand } from '../shared/run-policy-command';
import { IssuePolicyCommand } from './issue-policy.command';

@CommandHandler(IssuePolicyCommand)
export class IssuePolicyHandler implements ICommandHandler<IssuePolicyCommand, PolicyCommandResult> {
  private readonly ruleProfile: RuleProfile;

  constructor(
    private readonly runner: CommandRunner,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ruleProfile = ruleProfileFor(config.jurisdiction, {
      reinstatementInterestBasisPoints: config.reinstatementInterestBasisPoints,
    });
  }

  async execute({ dto, context }: IssuePolicyCommand): Promise<PolicyCommandResult> {
    const servicingAgent = await loadAgentSnapshot(this.runner.store, dto.servicing.agentId);
    const command: IssuePolicy = {
      type: 'IssuePolicy',
      data: dto,
      context: { today: this.runner.today(), ruleProfile: this.ruleProfile, servicingAgent },
    };
    return runPolicyCommand(this.runner, dto.policyId, command, context, dto);
  }
}
