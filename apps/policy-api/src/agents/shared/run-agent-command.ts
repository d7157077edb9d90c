import { agentAggregate, agentStreamId, type AgentCommand } from '@lib/policy-domain';
import { writtenEvents, type CommandRunner } from '../../common/command-runner';
import type { RequestContext } from '../../common/request-context';
import { PROBLEM_CODES } from '../../problem/api-problem';
import type { AgentCommandResult } from './agent-command-result';

export async function runAgentCommand(
  runner: CommandRunner,
  agentId: string,
  command: AgentCommand,
  context: RequestContext,
  payload: unknown,
): Promise<AgentCommandResult> {
  const result = await runner.run(agentAggregate, agentStreamId(agentId), command, context, {
    operation: command.type,
    payload,
    notFoundCode: PROBLEM_CODES.AGENT_NOT_FOUND,
    creates: command.type === 'RegisterAgent',
  });
  return { agentId, ...writtenEvents(result) };
}
