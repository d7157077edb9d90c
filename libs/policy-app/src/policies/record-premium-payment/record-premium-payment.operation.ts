import { moneyOf } from '../../common/dto/money.dto';
import { exampleCny, POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { RecordPremiumPaymentDto } from './record-premium-payment.dto';

export const recordPremiumPayment: PolicyOperation<'RecordPremiumPayment', RecordPremiumPaymentDto> = {
  name: 'RecordPremiumPayment',
  target: 'policy',
  access: { name: 'policy:record-premium-payment', roles: ['clerk', 'system'] },
  summary: 'RecordPremiumPayment (clerk, system): settles the next unpaid installment',
  events: 'PremiumPaid',
  dto: RecordPremiumPaymentDto,
  example: {
    installmentNo: 2,
    amount: exampleCny(1_020_000),
    paidOn: '2027-01-10',
    receiptNo: 'RCPT-2027-0001',
    method: 'BANK_DEBIT',
  },
  rest: { path: ':id/premium-payments', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({
    type: 'RecordPremiumPayment',
    data: {
      installmentNo: dto.installmentNo,
      amount: moneyOf(dto.amount),
      paidOn: dto.paidOn,
      receiptNo: dto.receiptNo,
      ...(dto.method === undefined ? {} : { method: dto.method }),
    },
    context: { today: env.today },
  }),
};
