import { RESCISSION_GROUNDS, TERMINATE_POLICY_REASONS } from '@lib/policy-domain';
import { DateField, EnumField } from '../../common/dto/fields';

export class TerminatePolicyDto {
  @DateField({ description: 'Not after today, nor before the latest recorded transaction' })
  terminatedOn!: string;

  @EnumField(TERMINATE_POLICY_REASONS, {
    description:
      'LAPSE_EXPIRED (lapsed past the reinstatement deadline; refunds the cash value at the lapse date) and EXPIRY ' +
      '(on or after maturity, no MATURITY benefit in the plan) are also allowed to the system role; RESCINDED needs ' +
      'ground and groundKnownOn. Surrender and free-look cancellation have their own routes (/surrenders, ' +
      '/free-look-cancellations)',
  })
  reason!: (typeof TERMINATE_POLICY_REASONS)[number];

  @EnumField(RESCISSION_GROUNDS, {
    optional: true,
    description:
      'RESCINDED only: the ground of the rescission (refund: intentional nothing, negligent the premiums paid, age ' +
      'the cash value)',
  })
  ground?: (typeof RESCISSION_GROUNDS)[number];

  @DateField({
    optional: true,
    description: 'RESCINDED only: when the insurer learned of the ground; the right ends 30 days later (CN)',
  })
  groundKnownOn?: string;
}
