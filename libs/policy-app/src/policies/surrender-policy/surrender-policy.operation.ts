import { DateField, NestedField } from '../../common/dto/fields';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { PayeeDto } from '../shared/policy-values.dto';

class SurrenderPolicyDto {
  @DateField({ description: 'The day the policyholder asked to surrender, not after today; the value date' })
  requestedOn!: string;

  @NestedField(() => PayeeDto, { description: 'Who receives the surrender value, and the account to pay it to' })
  payee!: PayeeDto;
}

/**
 * DESIGN 2.9 (退保): TERMINATED(SURRENDER) with the breakdown of `GET …/surrender-quote` on the request date; the
 * payout is a payable due within 30 days (art. 47).
 */
export const surrenderPolicy: PolicyOperation<'SurrenderPolicy', SurrenderPolicyDto> = {
  name: 'SurrenderPolicy',
  target: 'policy',
  access: { name: 'policy:surrender', roles: ['supervisor'] },
  summary:
    'SurrenderPolicy (supervisor): TERMINATED(SURRENDER), cash value − loan debt + prepaid premium (422 NO_CASH_VALUE)',
  events: 'PolicySurrendered',
  dto: SurrenderPolicyDto,
  example: { requestedOn: '2028-03-01', payee: { name: '张三', accountRef: 'ACC-6222-0001' } },
  rest: { path: ':id/surrenders', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  // The cash value comes from the product version the policy was sold under.
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'SurrenderPolicy',
    data: { requestedOn: dto.requestedOn, payee: { name: dto.payee.name, accountRef: dto.payee.accountRef } },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
