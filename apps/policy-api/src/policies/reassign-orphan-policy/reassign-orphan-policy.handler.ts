import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isIssued, policyAggregate, policyStreamId, type ReassignOrphanPolicy } from '@lib/policy-domain';
import { loadAgentSnapshot } from '../../agents/shared/load-agent-snapshot';
import { CommandRunner, writtenEvents } from '../../common/command-runner';
import { PROBLEM_CODES } from '../../problem/api-problem';
import type { PolicyCommandResult } from '../shared/policy-command-result';
import { ReassignOrphanPolicyCommand } from './reassign-orphan-policy.command';

/**
 * The context (the policy's current agent and the assignee) depends on the policy's state, so the command is built
 * from the state read and appended only at that revision (see CommandRunner.runWithLoadedState).
 */
@CommandHandler(ReassignOrphanPolicyCommand)
export class ReassignOrphanPolicyHandler implements ICommandHandler<ReassignOrphanPolicyCommand, PolicyCommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ policyId, dto, context, strategy }: ReassignOrphanPolicyCommand): Promise<PolicyCommandResult> {
    const { store } = this.runner;
    const result = await this.runner.runWithLoadedState(
      policyAggregate,
      policyStreamId(policyId),
      async ({ state }): Promise<ReassignOrphanPolicy> => {
        const [currentAgent, assignee] = await Promise.all([
          isIssued(state) ? loadAgentSnapshot(store, state.servicing.agentId) : null,
          loadAgentSnapshot(store, dto.toAgentId),
        ]);
        return {
          type: 'ReassignOrphanPolicy',
          data: dto,
          context: { today: this.runner.today(), currentAgent, assignee, strategy },
        };
      },
      context,
      { operation: 'ReassignOrphanPolicy', payload: dto, notFoundCode: PROBLEM_CODES.POLICY_NOT_FOUND },
    );
    return { policyId, ...writtenEvents(result) };
  }
}
