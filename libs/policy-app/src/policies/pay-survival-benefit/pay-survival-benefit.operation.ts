import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { PaySurvivalBenefitDto } from './pay-survival-benefit.dto';

export const paySurvivalBenefit: PolicyOperation<'PaySurvivalBenefit', PaySurvivalBenefitDto> = {
  name: 'PaySurvivalBenefit',
  target: 'policy',
  access: { name: 'policy:pay-survival-benefit', roles: ['supervisor'] },
  summary: 'PaySurvivalBenefit (supervisor)',
  events: 'SurvivalBenefitPaid (+ PolicyMatured for MATURITY)',
  dto: PaySurvivalBenefitDto,
  example: {
    periodNo: 1,
    paidOn: '2036-01-15',
    payee: { name: '张三', accountRef: 'ACC-6222-0001' },
    paymentRef: 'PAY-2036-0001',
    lifeConfirmationRef: 'LC-2036-0001',
  },
  rest: { path: ':id/survival-benefit-payments', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({
    type: 'PaySurvivalBenefit',
    data: {
      periodNo: dto.periodNo,
      paidOn: dto.paidOn,
      payee: { name: dto.payee.name, accountRef: dto.payee.accountRef },
      paymentRef: dto.paymentRef,
      lifeConfirmationRef: dto.lifeConfirmationRef,
    },
    context: { today: env.today },
  }),
};
