import { DateField } from '../../common/dto/fields';
import { POLICY_ID, type PolicyOperation } from '../../operations/operation';

class CapitalizePolicyLoanInterestDto {
  @DateField({
    description: 'The policy anniversary the accrued interest is due to be capitalized on, not after today',
  })
  anniversary!: string;
}

/** DESIGN 2.10 and 6: the scheduler moves the accrued loan interest into the balance on the anniversary it is due. */
export const capitalizePolicyLoanInterest: PolicyOperation<
  'CapitalizePolicyLoanInterest',
  CapitalizePolicyLoanInterestDto
> = {
  name: 'CapitalizePolicyLoanInterest',
  target: 'policy',
  access: { name: 'policy:capitalize-loan-interest', roles: ['system'] },
  summary: 'CapitalizePolicyLoanInterest (system): on the anniversary it is due (422 CAPITALIZATION_NOT_DUE, NO_LOAN)',
  events: 'PolicyLoanInterestCapitalized',
  dto: CapitalizePolicyLoanInterestDto,
  example: { anniversary: '2029-01-15' },
  rest: { path: ':id/loan-interest-capitalizations', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({
    type: 'CapitalizePolicyLoanInterest',
    data: { anniversary: dto.anniversary },
    context: { today: env.today },
  }),
};
