import { REMINDER_CHANNELS } from '@lib/policy-domain';
import { DateField, EnumField } from '../../common/dto/fields';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';

class SendLoanWarningDto {
  @DateField({ description: 'Not after today' })
  sentOn!: string;

  @EnumField(REMINDER_CHANNELS)
  channel!: (typeof REMINDER_CHANNELS)[number];
}

/** DESIGN 2.10: the LOAN_WARNING once the debt reaches 90 % of the cash value, once until a repayment (system). */
export const sendLoanWarning: PolicyOperation<'SendLoanWarning', SendLoanWarningDto> = {
  name: 'SendLoanWarning',
  target: 'policy',
  access: { name: 'policy:send-loan-warning', roles: ['system'] },
  summary: 'SendLoanWarning (system): the debt reached 90 % of the cash value (422 LOAN_BELOW_WARNING)',
  events: 'LoanWarningSent',
  dto: SendLoanWarningDto,
  example: { sentOn: '2028-03-01', channel: 'LETTER' },
  rest: { path: ':id/loan-warnings', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'SendLoanWarning',
    data: { sentOn: dto.sentOn, channel: dto.channel },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
