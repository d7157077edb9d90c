import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { LapsePolicyDto } from './lapse-policy.dto';

/** DESIGN 2.4: the scheduler lapses a policy whose grace period ended unpaid. */
export const lapsePolicy: PolicyOperation<'LapsePolicy', LapsePolicyDto> = {
  name: 'LapsePolicy',
  target: 'policy',
  access: { name: 'policy:lapse', roles: ['system'] },
  summary: 'LapsePolicy (system)',
  events: 'PolicyLapsed',
  dto: LapsePolicyDto,
  example: { lapsedOn: '2027-03-17' },
  rest: { path: ':id/lapses', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({ type: 'LapsePolicy', data: { lapsedOn: dto.lapsedOn }, context: { today: env.today } }),
};
