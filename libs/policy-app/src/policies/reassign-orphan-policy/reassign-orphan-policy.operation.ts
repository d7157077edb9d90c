import { isIssued, type ReassignmentStrategy } from '@lib/policy-domain';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { ReassignOrphanPolicyDto } from './reassign-orphan-policy.dto';

/**
 * The command's context is the policy's current agent and the assignee as they are now: it is built from the loaded
 * policy and appended only at that revision. `extra` is the strategy: MANUAL for a supervisor's request, BALANCED or
 * REGION when the orphan process manager assigns by rule.
 */
export const reassignOrphanPolicy: PolicyOperation<
  'ReassignOrphanPolicy',
  ReassignOrphanPolicyDto,
  'policyId',
  ReassignmentStrategy
> = {
  name: 'ReassignOrphanPolicy',
  target: 'policy',
  access: { name: 'policy:reassign-orphan', roles: ['supervisor', 'system'] },
  summary: 'ReassignOrphanPolicy (supervisor, system): manual reassignment of an orphaned policy',
  events: 'OrphanPolicyReassigned',
  dto: ReassignOrphanPolicyDto,
  example: { toAgentId: 'AG-1002', effectiveDate: '2026-07-01' },
  rest: { path: ':id/orphan-reassignments', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  readsState: true,
  command: async ({ dto, env, extra }, loaded) => {
    const state = policyStateOf(loaded);
    const [currentAgent, assignee] = await Promise.all([
      isIssued(state) ? env.loadAgent(state.servicing.agentId) : null,
      env.loadAgent(dto.toAgentId),
    ]);
    return {
      type: 'ReassignOrphanPolicy',
      data: { toAgentId: dto.toAgentId, effectiveDate: dto.effectiveDate },
      context: { today: env.today, currentAgent, assignee, strategy: extra ?? 'MANUAL' },
    };
  },
};
