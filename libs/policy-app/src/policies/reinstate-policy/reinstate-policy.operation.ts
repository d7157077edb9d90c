import { moneyOf } from '../../common/dto/money.dto';
import { exampleCny, POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { ReinstatePolicyDto } from './reinstate-policy.dto';

export const reinstatePolicy: PolicyOperation<'ReinstatePolicy', ReinstatePolicyDto> = {
  name: 'ReinstatePolicy',
  target: 'policy',
  access: { name: 'policy:reinstate', roles: ['supervisor'] },
  summary: 'ReinstatePolicy (supervisor): arrearsPaid must equal the reinstatement quote',
  events: 'PolicyReinstated',
  dto: ReinstatePolicyDto,
  example: { reinstatedOn: '2027-05-01', arrearsPaid: exampleCny(1_031_234), healthDeclarationRef: 'HD-2027-0007' },
  rest: { path: ':id/reinstatements', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  // After a loan lapse the debt must be below the cash value of the product version the policy was sold under.
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'ReinstatePolicy',
    data: {
      reinstatedOn: dto.reinstatedOn,
      arrearsPaid: moneyOf(dto.arrearsPaid),
      healthDeclarationRef: dto.healthDeclarationRef,
    },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
