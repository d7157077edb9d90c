import { DateField, NestedField } from '../../common/dto/fields';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { PayeeDto } from '../shared/policy-values.dto';

class CancelInFreeLookDto {
  @DateField({ description: 'The day the policyholder asked to cancel: within the free look, not after today' })
  requestedOn!: string;

  @NestedField(() => PayeeDto, { description: 'Who receives the refund, and the account to pay it to' })
  payee!: PayeeDto;
}

/**
 * DESIGN 2.9: the policyholder cancels within the free look (from the delivery receipt; before delivery it has not
 * started). All premiums come back less the product's cost deduction, as a payable due within 30 days.
 */
export const cancelInFreeLook: PolicyOperation<'CancelInFreeLook', CancelInFreeLookDto> = {
  name: 'CancelInFreeLook',
  target: 'policy',
  access: { name: 'policy:cancel-in-free-look', roles: ['clerk'] },
  summary:
    'CancelInFreeLook (clerk): TERMINATED(FREE_LOOK), premiums back less the cost deduction ' +
    '(422 FREE_LOOK_EXPIRED, FREE_LOOK_NOT_ALLOWED)',
  events: 'PolicyCancelledInFreeLook',
  dto: CancelInFreeLookDto,
  example: { requestedOn: '2026-01-25', payee: { name: '张三', accountRef: 'ACC-6222-0001' } },
  rest: { path: ':id/free-look-cancellations', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  // The free look's length and cost deduction are those of the product version the policy was sold under.
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'CancelInFreeLook',
    data: { requestedOn: dto.requestedOn, payee: { name: dto.payee.name, accountRef: dto.payee.accountRef } },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
