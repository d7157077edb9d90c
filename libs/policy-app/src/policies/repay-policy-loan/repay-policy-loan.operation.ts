import { DateField, NestedField, TextField } from '../../common/dto/fields';
import { MoneyDto } from '../../common/dto/money.dto';
import { exampleCny, POLICY_ID, type PolicyOperation } from '../../operations/operation';

class RepayPolicyLoanDto {
  @NestedField(() => MoneyDto, { description: 'Paid against the debt: interest first, never more than the debt' })
  amount!: MoneyDto;

  @DateField({ description: 'Payment date, not after today' })
  paidOn!: string;

  @TextField(64, { description: 'Receipt number, unique per policy', example: 'RCPT-LN-2028-0001' })
  receiptNo!: string;
}

/** DESIGN 2.10: a loan repayment, interest first (422 NO_LOAN, REPAYMENT_EXCEEDS_DEBT); also while lapsed. */
export const repayPolicyLoan: PolicyOperation<'RepayPolicyLoan', RepayPolicyLoanDto> = {
  name: 'RepayPolicyLoan',
  target: 'policy',
  access: { name: 'policy:repay-loan', roles: ['clerk', 'system'] },
  summary: 'RepayPolicyLoan (clerk, system): interest first (422 NO_LOAN, REPAYMENT_EXCEEDS_DEBT)',
  events: 'PolicyLoanRepaid',
  dto: RepayPolicyLoanDto,
  example: { amount: exampleCny(10_000), paidOn: '2028-04-01', receiptNo: 'RCPT-LN-2028-0001' },
  rest: { path: ':id/loan-repayments', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({
    type: 'RepayPolicyLoan',
    data: {
      amount: { amount: dto.amount.amount, currency: dto.amount.currency },
      paidOn: dto.paidOn,
      receiptNo: dto.receiptNo,
    },
    context: { today: env.today },
  }),
};
