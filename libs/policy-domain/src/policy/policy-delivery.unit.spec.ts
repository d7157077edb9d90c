import { type RecordPolicyDelivery } from './policy-commands';
import { eventsOf, givenPolicy } from '../testing/decider-specification';
import { policyIssued, surrenderPolicy } from '../testing/policy-fixtures';

/** The standard policy takes effect on 2024-03-15. */
const issued = policyIssued();

function deliver(deliveredOn: string, receiptRef = 'DLV-2024-0001', today = deliveredOn): RecordPolicyDelivery {
  return { type: 'RecordPolicyDelivery', data: { deliveredOn, receiptRef }, context: { today } };
}

describe('RecordPolicyDelivery (DESIGN 2.9)', () => {
  it('records the delivery date and the signed receipt, field by field', () => {
    givenPolicy([issued])
      .when(deliver('2024-03-20', 'DLV-2024-0001', '2024-03-22'))
      .then([{ type: 'PolicyDelivered', data: { deliveredOn: '2024-03-20', receiptRef: 'DLV-2024-0001' } }]);
  });

  it('on the policy’s first day and on today, the two ends of the allowed range', () => {
    expect(
      givenPolicy([issued])
        .when(deliver('2024-04-30', 'DLV-1', '2024-04-30'))
        .events(),
    ).toHaveLength(1);
    expect(
      givenPolicy([issued])
        .when(deliver('2024-03-15', 'DLV-1', '2024-03-15'))
        .events(),
    ).toHaveLength(1);
  });

  it('once per policy: a second delivery is POLICY_ALREADY_DELIVERED, naming the first', () => {
    const delivered = [issued, ...eventsOf([deliver('2024-03-20')], [issued])];

    givenPolicy(delivered)
      .when(deliver('2024-03-25', 'DLV-2024-0002'))
      .thenThrows('POLICY_ALREADY_DELIVERED', /2024-03-20 \(receipt DLV-2024-0001\)/);
  });

  it('not before the policy exists, not after today, not without a receipt', () => {
    givenPolicy([issued])
      .when(deliver('2024-03-14', 'DLV-1', '2024-03-20'))
      .thenThrows('DATE_BEFORE_POLICY');
    givenPolicy([issued])
      .when(deliver('2024-03-21', 'DLV-1', '2024-03-20'))
      .thenThrows('DATE_IN_FUTURE');
    givenPolicy([issued]).when(deliver('2024-03-20', '   ')).thenThrows('DELIVERY_RECEIPT_REQUIRED');
  });

  it('not on a policy that does not exist or is closed', () => {
    givenPolicy([]).when(deliver('2024-03-20')).thenThrows('POLICY_NOT_FOUND');
    const terminated = [issued, ...eventsOf([surrenderPolicy('2024-03-18')], [issued])];
    givenPolicy(terminated).when(deliver('2024-03-20')).thenThrows('POLICY_CLOSED');
  });
});
