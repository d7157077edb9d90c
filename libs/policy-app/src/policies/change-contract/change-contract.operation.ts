import { changeContractBody, changeViolationPath } from '../../grpc/request-bodies';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { ChangeContractDto } from './change-contract.dto';

export const changeContract: PolicyOperation<'ChangeContract', ChangeContractDto> = {
  name: 'ChangeContract',
  target: 'policy',
  access: { name: 'policy:change-contract', roles: ['clerk'] },
  summary: 'ChangeContract (clerk): one endorsement of one or more change kinds, applied atomically',
  events: 'ContractChanged',
  dto: ChangeContractDto,
  example: {
    effectiveDate: '2026-03-01',
    changes: [{ kind: 'CONTACT', phone: '+86 139 1234 5678', email: 'zhang.san@example.org' }],
  },
  rest: { path: ':id/contract-changes', ids: { policyId: POLICY_ID } },
  grpc: { toBody: changeContractBody, violationPath: changeViolationPath },
  targetId: ({ ids }) => ids.policyId,
  // The product version the policy was sold under values a sum-assured decrease (partial surrender, DESIGN 2.9).
  readsState: true,
  // The decider builds ContractChanged field by field per change kind (event-data.ts).
  command: async ({ dto, env }, loaded) => ({
    type: 'ChangeContract',
    data: dto,
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
