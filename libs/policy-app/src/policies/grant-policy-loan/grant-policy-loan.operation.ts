import { DateField, NestedField } from '../../common/dto/fields';
import { MoneyDto } from '../../common/dto/money.dto';
import { exampleCny, POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { PayeeDto } from '../shared/policy-values.dto';

class GrantPolicyLoanDto {
  @NestedField(() => MoneyDto, {
    description: 'The amount lent: at most the product’s share of the cash value less the debt',
  })
  amount!: MoneyDto;

  @DateField({ description: 'The day the loan is granted: in force by law, not after today' })
  grantedOn!: string;

  @NestedField(() => PayeeDto, { description: 'Who receives the loan, and the account to pay it to' })
  payee!: PayeeDto;
}

/**
 * DESIGN 2.10 (保单借款): a loan against the cash value of the product version the policy was sold under; the amount
 * lent is a payable (kind LOAN). 422 LOAN_NOT_ALLOWED, LOAN_LIMIT_EXCEEDED (the maximum in `detail`).
 */
export const grantPolicyLoan: PolicyOperation<'GrantPolicyLoan', GrantPolicyLoanDto> = {
  name: 'GrantPolicyLoan',
  target: 'policy',
  access: { name: 'policy:grant-loan', roles: ['supervisor'] },
  summary: 'GrantPolicyLoan (supervisor): a loan against the cash value (422 LOAN_LIMIT_EXCEEDED, LOAN_NOT_ALLOWED)',
  events: 'PolicyLoanGranted',
  dto: GrantPolicyLoanDto,
  example: {
    amount: exampleCny(300_000),
    grantedOn: '2028-03-01',
    payee: { name: '张三', accountRef: 'ACC-6222-0001' },
  },
  rest: { path: ':id/loans', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'GrantPolicyLoan',
    data: {
      amount: { amount: dto.amount.amount, currency: dto.amount.currency },
      grantedOn: dto.grantedOn,
      payee: { name: dto.payee.name, accountRef: dto.payee.accountRef },
    },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
