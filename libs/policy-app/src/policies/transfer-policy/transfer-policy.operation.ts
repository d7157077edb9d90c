import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { TransferPolicyDto } from './transfer-policy.dto';

export const transferPolicy: PolicyOperation<'TransferPolicy', TransferPolicyDto> = {
  name: 'TransferPolicy',
  target: 'policy',
  access: { name: 'policy:transfer', roles: ['clerk'] },
  summary: 'TransferPolicy (clerk)',
  events: 'PolicyTransferred',
  dto: TransferPolicyDto,
  example: {
    toBranchCode: 'BJ-002',
    toRegion: 'NORTH',
    effectiveDate: '2026-07-01',
    reason: 'RELOCATION',
    toAgentId: 'AG-2001',
  },
  rest: { path: ':id/transfers', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: async ({ dto, env }) => ({
    type: 'TransferPolicy',
    data: {
      toBranchCode: dto.toBranchCode,
      toRegion: dto.toRegion,
      effectiveDate: dto.effectiveDate,
      reason: dto.reason,
      ...(dto.toAgentId === undefined ? {} : { toAgentId: dto.toAgentId }),
    },
    context: {
      today: env.today,
      toAgent: dto.toAgentId === undefined ? undefined : await env.loadAgent(dto.toAgentId),
    },
  }),
};
