import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { LapsePolicyDto } from './lapse-policy.dto';

/**
 * DESIGN 2.4: the scheduler lapses a policy whose grace period ended unpaid — unless its automatic premium loan pays
 * the installment (422 APL_APPLIES), judged on the product version it was sold under.
 */
export const lapsePolicy: PolicyOperation<'LapsePolicy', LapsePolicyDto> = {
  name: 'LapsePolicy',
  target: 'policy',
  access: { name: 'policy:lapse', roles: ['system'] },
  summary: 'LapsePolicy (system): 422 APL_APPLIES while the automatic premium loan pays the installment',
  events: 'PolicyLapsed',
  dto: LapsePolicyDto,
  example: { lapsedOn: '2027-03-17' },
  rest: { path: ':id/lapses', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'LapsePolicy',
    data: { lapsedOn: dto.lapsedOn, ...(dto.cause === undefined ? {} : { cause: dto.cause }) },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
