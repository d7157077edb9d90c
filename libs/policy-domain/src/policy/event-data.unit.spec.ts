/**
 * Events are built field by field from command data: a transport object's extra fields (a DTO's own properties, a
 * decoded message's defaults) never reach a stored event, so released event shapes change only deliberately.
 */
import { eventsOf, givenPolicy } from '../testing/decider-specification';
import {
  changeBeneficiaries,
  changeContract,
  CHILD_BENEFICIARY,
  cny,
  issuePolicy,
  issuePolicyData,
  payPremium,
  paySurvivalBenefit,
  policyIssued,
  POLICYHOLDER,
} from '../testing/policy-fixtures';
import { type ContractChange } from './contract-changes';
import { type IssuePolicyData } from './policy-commands';

/** The value with a transport-only field added at every object level (as a DTO class instance might carry). */
function withTransportNoise<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withTransportNoise(item)) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { transportOnly: 'x' };
    for (const [key, field] of Object.entries(value)) copy[key] = withTransportNoise(field);
    return copy as T;
  }
  return value;
}

function mentionsNoise(value: unknown): boolean {
  return JSON.stringify(value).includes('transportOnly');
}

describe('events are built field by field', () => {
  it('PolicyIssued stores none of the fields the request objects carry beyond the event shape', () => {
    const noisy = withTransportNoise(issuePolicyData()) as IssuePolicyData;
    const [event] = givenPolicy([]).when(issuePolicy(noisy)).events();
    expect(mentionsNoise(event)).toBe(false);
    // …and the same event as from a clean request.
    expect(event).toEqual(policyIssued());
  });

  it('ContractChanged stores each change kind by its own fields only', () => {
    const changes: ContractChange[] = [
      { kind: 'CONTACT', phone: '+86 139 0000 0002' },
      { kind: 'PAYMENT_METHOD', paymentMethod: { type: 'ALIPAY', accountRef: 'ALI-1' } },
      {
        kind: 'POLICYHOLDER',
        newPolicyholder: { ...POLICYHOLDER, name: 'Li Hua', idNumber: '110101198502020044' },
        insuredConsent: true,
        previousPolicyholderConsent: true,
      },
    ];
    const [event] = givenPolicy([policyIssued()])
      .when(changeContract('2025-01-10', withTransportNoise(changes)))
      .events();
    expect(mentionsNoise(event)).toBe(false);
    expect(event!.data).toMatchObject({ changes });
  });

  it('BeneficiariesChanged and SurvivalBenefitPaid store only their own fields', () => {
    const issued = policyIssued();
    const beneficiaries = withTransportNoise([{ ...CHILD_BENEFICIARY, name: 'Li Qiang' }]);
    const [changed] = givenPolicy([issued])
      .when(changeBeneficiaries({ effectiveDate: '2025-01-10', beneficiaries }, '2025-01-10'))
      .events();
    expect(mentionsNoise(changed)).toBe(false);

    const paid = [
      issued,
      ...eventsOf(
        [1, 2, 3, 4, 5].map((n) => payPremium(n + 1, `${2024 + n}-03-15`)),
        [issued],
      ),
    ];
    const command = paySurvivalBenefit(1, '2029-03-15');
    const [benefit] = givenPolicy(paid)
      .when({ ...command, data: { ...command.data, payee: withTransportNoise(command.data.payee) } })
      .events();
    expect(mentionsNoise(benefit)).toBe(false);
    expect(benefit!.data).toMatchObject({ amount: cny(500_000) });
  });
});
