import { DateField } from '../../common/dto/fields';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';

class ApplyAutomaticPremiumLoanDto {
  @DateField({ description: 'The lapse date of the earliest unpaid installment (or later), not after today' })
  appliedOn!: string;
}

/**
 * DESIGN 2.10 and 6 (自动垫交): on the lapse date the scheduler pays the unpaid installment by a policy loan, before
 * any lapse, when the automatic premium loan is elected and the net cash value covers it.
 */
export const applyAutomaticPremiumLoan: PolicyOperation<'ApplyAutomaticPremiumLoan', ApplyAutomaticPremiumLoanDto> = {
  name: 'ApplyAutomaticPremiumLoan',
  target: 'policy',
  access: { name: 'policy:apply-automatic-premium-loan', roles: ['system'] },
  summary:
    'ApplyAutomaticPremiumLoan (system): the unpaid installment paid by a loan on its lapse date ' +
    '(422 APL_NOT_ELECTED, APL_INSUFFICIENT_VALUE, GRACE_PERIOD_NOT_OVER)',
  events: 'AutomaticPremiumLoanApplied',
  dto: ApplyAutomaticPremiumLoanDto,
  example: { appliedOn: '2027-03-17' },
  rest: { path: ':id/automatic-premium-loans', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'ApplyAutomaticPremiumLoan',
    data: { appliedOn: dto.appliedOn },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
