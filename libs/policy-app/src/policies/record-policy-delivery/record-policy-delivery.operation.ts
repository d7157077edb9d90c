import { DateField, TextField } from '../../common/dto/fields';
import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { REFERENCE_MAX } from '../shared/policy-values.dto';

class RecordPolicyDeliveryDto {
  @DateField({ description: 'The day the policyholder received the policy; from its start to today' })
  deliveredOn!: string;

  @TextField(REFERENCE_MAX, { description: 'The delivery receipt the policyholder signed', example: 'DLV-2026-0001' })
  receiptRef!: string;
}

/** DESIGN 2.9: the policy document reached the policyholder; once per policy. The free look runs from here. */
export const recordPolicyDelivery: PolicyOperation<'RecordPolicyDelivery', RecordPolicyDeliveryDto> = {
  name: 'RecordPolicyDelivery',
  target: 'policy',
  access: { name: 'policy:record-delivery', roles: ['clerk'] },
  summary: 'RecordPolicyDelivery (clerk): once per policy (422 POLICY_ALREADY_DELIVERED)',
  events: 'PolicyDelivered',
  dto: RecordPolicyDeliveryDto,
  example: { deliveredOn: '2026-01-20', receiptRef: 'DLV-2026-0001' },
  rest: { path: ':id/deliveries', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({
    type: 'RecordPolicyDelivery',
    data: { deliveredOn: dto.deliveredOn, receiptRef: dto.receiptRef },
    context: { today: env.today },
  }),
};
