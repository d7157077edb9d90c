import { RESCISSION_GROUNDS, TERMINATION_REASONS } from '@lib/policy-domain';
import { DateField, EnumField } from '../../common/dto/fields';

export class TerminatePolicyDto {
  @DateField({ description: 'Not after today, nor before the latest recorded transaction' })
  terminatedOn!: string;

  @EnumField(TERMINATION_REASONS, {
    description:
      'LAPSE_EXPIRED (lapsed past the reinstatement deadline) and EXPIRY (on or after maturity, no MATURITY benefit ' +
      'in the plan) are also allowed to the system role; RESCINDED needs ground and groundKnownOn',
  })
  reason!: (typeof TERMINATION_REASONS)[number];

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
