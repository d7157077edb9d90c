import { NONFORFEITURE_OPTIONS } from '@lib/policy-domain';
import { DateField, EnumField } from '../../common/dto/fields';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';

class ElectNonforfeitureOptionDto {
  @EnumField(NONFORFEITURE_OPTIONS, {
    optional: true,
    description:
      'RPU (reduced paid-up) or ETI (extended term) on request; absent: the product’s default, on the lapse date ' +
      '(the scheduler)',
  })
  option?: (typeof NONFORFEITURE_OPTIONS)[number];

  @DateField({ description: 'The conversion date, not after today' })
  effectiveOn!: string;
}

/**
 * DESIGN 2.10: the policy converts to a nonforfeiture option (no more premiums): on request, in force by law, or by
 * the scheduler to the product's default on the lapse date instead of lapsing. The loan is repaid from the cash value.
 */
export const electNonforfeitureOption: PolicyOperation<'ElectNonforfeitureOption', ElectNonforfeitureOptionDto> = {
  name: 'ElectNonforfeitureOption',
  target: 'policy',
  access: { name: 'policy:elect-nonforfeiture', roles: ['supervisor', 'system'] },
  summary:
    'ElectNonforfeitureOption (supervisor; system for the default on the lapse date): RPU or ETI ' +
    '(422 NONFORFEITURE_NOT_OFFERED, NONFORFEITURE_NO_VALUE, NONFORFEITURE_ALREADY_APPLIED)',
  events: 'PolicyConvertedToReducedPaidUp | PolicyConvertedToExtendedTerm',
  dto: ElectNonforfeitureOptionDto,
  example: { option: 'RPU', effectiveOn: '2028-03-01' },
  rest: { path: ':id/nonforfeiture-elections', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'ElectNonforfeitureOption',
    data: { ...(dto.option === undefined ? {} : { option: dto.option }), effectiveOn: dto.effectiveOn },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
