import { policyAggregate, policyStreamId, type PolicyCommand } from '@lib/policy-domain';
import { writtenEvents, type CommandRunner } from '../../common/command-runner';
import type { RequestContext } from '../../common/request-context';
import { PROBLEM_CODES } from '../../problem/api-problem';
import type { PolicyCommandResult } from './policy-command-result';

/** The shared last step of every policy command handler: run it on the policy stream and shape the result. */
export async function runPolicyCommand(
  runner: CommandRunner,
  policyId: string,
  command: PolicyCommand,
  context: RequestContext,
  payload: unknown,
): Promise<PolicyCommandResult> {
  const result = await runner.run(policyAggregate, policyStreamId(policyId), command, context, {
    operation: command.type,
    payload,
    notFoundCode: PROBLEM_CODES.POLICY_NOT_FOUND,
    creates: command.type === 'IssuePolicy',
  });
  return { policyId, ...writtenEvents(result) };
}
