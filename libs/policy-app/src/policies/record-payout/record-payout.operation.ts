import { PayableIdPipe } from '../../common/id-params';
import { DateField, TextField } from '../../common/dto/fields';
import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { REFERENCE_MAX } from '../shared/policy-values.dto';

class RecordPayoutDto {
  @DateField({ description: 'The day it was paid: not after today, not before the payable was owed' })
  paidOn!: string;

  @TextField(REFERENCE_MAX, { description: 'The bank transfer or cheque reference', example: 'TRF-2028-0042' })
  paymentRef!: string;
}

/** DESIGN 2.9: a payable was paid, once (422 PAYABLE_ALREADY_PAID); a closed policy still takes it. */
export const recordPayout: PolicyOperation<'RecordPayout', RecordPayoutDto, 'policyId' | 'payableId'> = {
  name: 'RecordPayout',
  target: 'policy',
  access: { name: 'policy:record-payout', roles: ['clerk', 'system'] },
  summary: 'RecordPayout (clerk, system): the payable was paid (422 PAYABLE_ALREADY_PAID, PAYABLE_WITHDRAWN)',
  events: 'PayoutMade',
  dto: RecordPayoutDto,
  example: { paidOn: '2028-03-20', paymentRef: 'TRF-2028-0042' },
  rest: {
    path: ':id/payables/:payableId/payout',
    ids: { policyId: POLICY_ID, payableId: { pipe: PayableIdPipe, description: 'Payable id {policyId}-P{n}' } },
  },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, ids, env }) => ({
    type: 'RecordPayout',
    data: { payableId: ids.payableId, paidOn: dto.paidOn, paymentRef: dto.paymentRef },
    context: { today: env.today },
  }),
};
