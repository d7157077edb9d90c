import { eventsOf, policyStateAfter } from '../testing/decider-specification';
import { changeBeneficiaries, changeContract, cny, policyIssued } from '../testing/policy-fixtures';
import { type IssuedPolicy } from './policy-state';
import { decodePolicyState, encodePolicyState } from './policy-state-codec';

/** The standard policy (with its ADB rider) with a frequency change on its first anniversary and a new beneficiary designation. */
function amendedPolicy(): IssuedPolicy {
  const issued = policyIssued();
  const changes = eventsOf(
    [
      changeContract('2025-03-15', [
        {
          kind: 'PREMIUM_FREQUENCY',
          frequency: 'MONTHLY',
          modalPremium: cny(10_500),
          riderPremiums: [{ code: 'ADB', modalPremium: cny(900) }],
        },
      ]),
      changeBeneficiaries(),
    ],
    [issued],
  );
  return policyStateAfter([issued, ...changes]) as IssuedPolicy;
}

describe('policy state codec', () => {
  it('JSON of the encoded state decodes to the state itself', () => {
    const policy = amendedPolicy();
    expect(policy.terms.amendments).toHaveLength(2);

    const stored = JSON.stringify(encodePolicyState(policy));

    expect(decodePolicyState(JSON.parse(stored))).toEqual(policy);
  });

  it('stores what the terms history determines once: schedule, premium, sum assured, riders, beneficiaries', () => {
    const data = encodePolicyState(amendedPolicy()) as unknown as Record<string, unknown>;

    for (const derived of ['sumAssured', 'riders', 'beneficiaries']) expect(data).not.toHaveProperty(derived);
    for (const derived of ['modalPremium', 'frequency', 'schedule']) expect(data.premium).not.toHaveProperty(derived);
  });

  it('keeps a field it has never heard of', () => {
    const policy = { ...amendedPolicy(), surrenderQuote: { quotedOn: '2026-01-10', amount: cny(42_000) } };

    expect(decodePolicyState(JSON.parse(JSON.stringify(encodePolicyState(policy))))).toEqual(policy);
  });
});
