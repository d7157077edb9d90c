import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  changeContract,
  cny,
  INSURED,
  lapsePolicy,
  payPremium,
  policyIssued,
  POLICYHOLDER,
  waivePremium,
} from '../testing/policy-fixtures';
import { type ContractChange } from './contract-changes';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';
import { nextOpenInstallment } from './premium-installments';
import { installmentCount } from './premium-schedule';

const issued = policyIssued();
const lapsed = [issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])];
const waived = [issued, ...eventsOf([waivePremium('2024-07-01')], [issued])];

function stateAfterChange(given: PolicyEvent[], effectiveDate: string, changes: ContractChange[]): IssuedPolicy {
  return policyStateAfter([...given, ...eventsOf([changeContract(effectiveDate, changes)], given)]) as IssuedPolicy;
}

const newPolicyholder = { ...POLICYHOLDER, name: 'Li Hua', idNumber: '110101198502020044' };

describe('ChangeContract', () => {
  it('records all changes of one request as one endorsement, E1', () => {
    const changes: ContractChange[] = [
      { kind: 'CONTACT', phone: '+86 139 0000 0002', address: 'Chaoyang, Beijing' },
      { kind: 'PAYMENT_METHOD', paymentMethod: { type: 'ALIPAY', accountRef: 'ALI-9' } },
    ];
    givenPolicy([issued])
      .when(changeContract('2025-01-10', changes))
      .then([
        {
          type: 'ContractChanged',
          data: {
            endorsementNo: 'P-2024-0001-E1',
            effectiveDate: '2025-01-10',
            changes,
            payables: [],
            loanSettlement: null,
          },
        },
      ]);
  });

  it('endorsements are numbered across contract and beneficiary changes', () => {
    const given: PolicyEvent[] = [
      issued,
      {
        type: 'BeneficiariesChanged',
        data: {
          endorsementNo: 'P-2024-0001-E1',
          effectiveDate: '2024-05-01',
          designatedBy: 'INSURED',
          insuredConsent: false,
          beneficiaries: [],
        },
      },
    ];
    const [event] = givenPolicy(given)
      .when(changeContract('2025-01-10', [{ kind: 'DISCLOSURE', text: 'Smoker since 2020' }]))
      .events();
    expect(event!.data).toMatchObject({ endorsementNo: 'P-2024-0001-E2' });
    expect(stateAfterChange(given, '2025-01-10', [{ kind: 'DISCLOSURE', text: 'x' }]).endorsementCount).toBe(2);
  });

  it('without changes → CONTRACT_CHANGE_EMPTY', () => {
    givenPolicy([issued]).when(changeContract('2025-01-10', [])).thenThrows('CONTRACT_CHANGE_EMPTY');
  });

  it('applies contact, personal details, occupation, payment method, benefit option and disclosure changes', () => {
    const policy = stateAfterChange([issued], '2025-01-10', [
      { kind: 'CONTACT', email: 'li.wei@example.cn' },
      { kind: 'PERSONAL_DETAILS', party: 'INSURED', name: 'Wang Fang-Li', idType: 'PASSPORT', idNumber: 'E1234567' },
      { kind: 'OCCUPATION', party: 'POLICYHOLDER', occupationCode: '2-02-01' },
      { kind: 'PAYMENT_METHOD', paymentMethod: { type: 'CARD', accountRef: 'CARD-1' } },
      { kind: 'BENEFIT_OPTION', receivingMethod: 'ANNUAL', receivingAge: 60 },
      { kind: 'DISCLOSURE', text: 'Hypertension since 2023', documentRef: 'DOC-3' },
    ]);
    expect(policy.policyholder).toEqual({ ...POLICYHOLDER, email: 'li.wei@example.cn', occupationCode: '2-02-01' });
    expect(policy.insured).toEqual({ ...INSURED, name: 'Wang Fang-Li', idType: 'PASSPORT', idNumber: 'E1234567' });
    expect(policy.premium.paymentMethod).toEqual({ type: 'CARD', accountRef: 'CARD-1' });
    expect(policy.benefitOption).toEqual({ receivingMethod: 'ANNUAL', receivingAge: 60 });
    expect(policy.disclosures).toEqual([
      {
        endorsementNo: 'P-2024-0001-E1',
        effectiveDate: '2025-01-10',
        text: 'Hypertension since 2023',
        documentRef: 'DOC-3',
      },
    ]);
  });

  describe('while the policy is lapsed', () => {
    it.each<ContractChange>([
      { kind: 'CONTACT', phone: '1' },
      { kind: 'PERSONAL_DETAILS', party: 'POLICYHOLDER', name: 'Li W.' },
      { kind: 'PAYMENT_METHOD', paymentMethod: { type: 'CASH' } },
      { kind: 'DISCLOSURE', text: 'note' },
    ])('$kind is allowed', (change) => {
      expect(
        givenPolicy(lapsed)
          .when(changeContract('2025-06-01', [change]))
          .events(),
      ).toHaveLength(1);
    });

    it.each<ContractChange>([
      { kind: 'POLICYHOLDER', newPolicyholder, insuredConsent: true, previousPolicyholderConsent: true },
      { kind: 'OCCUPATION', party: 'INSURED', occupationCode: '1' },
      { kind: 'PREMIUM_FREQUENCY', frequency: 'MONTHLY', modalPremium: cny(10_500) },
      { kind: 'SUM_ASSURED', sumAssured: cny(1), modalPremium: cny(1) },
      { kind: 'RIDER_ADDED', rider: { code: 'CI', sumAssured: cny(1), modalPremium: cny(1), endDate: '2030-01-01' } },
      { kind: 'RIDER_REMOVED', riderCode: 'ADB' },
      { kind: 'BENEFIT_OPTION', receivingMethod: 'LUMP_SUM' },
    ])('$kind → POLICY_NOT_IN_FORCE', (change) => {
      givenPolicy(lapsed)
        .when(changeContract('2026-03-15', [change]))
        .thenThrows('POLICY_NOT_IN_FORCE');
    });
  });

  describe('POLICYHOLDER', () => {
    const change = (insuredConsent: boolean, previousPolicyholderConsent: boolean): ContractChange => ({
      kind: 'POLICYHOLDER',
      newPolicyholder,
      insuredConsent,
      previousPolicyholderConsent,
    });

    it('with both consents and no overdue premium replaces the policyholder', () => {
      const policy = stateAfterChange([issued], '2025-01-10', [change(true, true)]);
      expect(policy.policyholder).toEqual(newPolicyholder);
    });

    it.each([
      [false, true],
      [true, false],
    ])('insured consent %s, previous policyholder consent %s → POLICYHOLDER_CHANGE_CONSENT_REQUIRED', (a, b) => {
      givenPolicy([issued])
        .when(changeContract('2025-01-10', [change(a, b)]))
        .thenThrows('POLICYHOLDER_CHANGE_CONSENT_REQUIRED');
    });

    it('with an overdue installment (in grace) → PREMIUM_OVERDUE', () => {
      givenPolicy([issued])
        .when(changeContract('2025-04-01', [change(true, true)], '2025-04-01'))
        .thenThrows('PREMIUM_OVERDUE');
      // on the due date itself the premium is not overdue yet
      expect(
        givenPolicy([issued])
          .when(changeContract('2025-03-15', [change(true, true)], '2025-03-15'))
          .events(),
      ).toHaveLength(1);
    });
  });

  describe('PREMIUM_FREQUENCY', () => {
    const paidTwo = [issued, ...eventsOf([payPremium(2, '2025-03-01')], [issued])];
    // The standard policy's rider ADB (premium 0) is in force: a frequency change reprices it too.
    const toMonthly: ContractChange = {
      kind: 'PREMIUM_FREQUENCY',
      frequency: 'MONTHLY',
      modalPremium: cny(10_500),
      riderPremiums: [{ code: 'ADB', modalPremium: cny(0) }],
    };

    it('on an anniversary switches the schedule from that date on', () => {
      const policy = stateAfterChange(paidTwo, '2026-03-15', [toMonthly]);
      expect(policy.premium.frequency).toBe('MONTHLY');
      expect(policy.premium.modalPremium).toEqual(cny(10_500));
      expect(installmentCount(policy.premium.schedule)).toBe(2 + 8 * 12);
      expect(nextOpenInstallment(policy)).toEqual({ installmentNo: 3, dueDate: '2026-03-15', amount: cny(10_500) });
      expect(
        givenPolicy([...paidTwo, ...eventsOf([changeContract('2026-03-15', [toMonthly])], paidTwo)])
          .when(payPremium(3, '2026-03-10', { amount: cny(10_500) }))
          .events(),
      ).toHaveLength(1);
    });

    it('not on an anniversary → FREQUENCY_CHANGE_NOT_ON_ANNIVERSARY', () => {
      givenPolicy(paidTwo)
        .when(changeContract('2026-03-16', [toMonthly]))
        .thenThrows('FREQUENCY_CHANGE_NOT_ON_ANNIVERSARY');
      givenPolicy(paidTwo)
        .when(changeContract('2024-03-15', [toMonthly]))
        .thenThrows('FREQUENCY_CHANGE_NOT_ON_ANNIVERSARY');
    });

    it('to or from SINGLE, after the payment term, or over premiums paid in advance → FREQUENCY_CHANGE_NOT_ALLOWED', () => {
      givenPolicy(paidTwo)
        .when(changeContract('2026-03-15', [{ ...toMonthly, frequency: 'SINGLE' } as ContractChange]))
        .thenThrows('FREQUENCY_CHANGE_NOT_ALLOWED');
      const single = policyIssued({ premium: { ...issued.data.premium, frequency: 'SINGLE' } });
      givenPolicy([single])
        .when(changeContract('2026-03-15', [toMonthly]))
        .thenThrows('FREQUENCY_CHANGE_NOT_ALLOWED');
      givenPolicy(paidTwo)
        .when(changeContract('2034-03-15', [toMonthly]))
        .thenThrows('FREQUENCY_CHANGE_NOT_ALLOWED');
      const paidThree = [...paidTwo, ...eventsOf([payPremium(3, '2025-12-01')], paidTwo)];
      givenPolicy(paidThree)
        .when(changeContract('2026-03-15', [toMonthly]))
        .thenThrows('FREQUENCY_CHANGE_NOT_ALLOWED');
    });

    it('while premiums are waived → WAIVER_ACTIVE', () => {
      givenPolicy(waived)
        .when(changeContract('2026-03-15', [toMonthly]))
        .thenThrows('WAIVER_ACTIVE');
    });

    it('without a premium for every rider in force (or with one for a rider not in force) → RIDER_PREMIUMS_INVALID', () => {
      const { riderPremiums: _riderPremiums, ...withoutRiders } = toMonthly as Extract<
        ContractChange,
        { kind: 'PREMIUM_FREQUENCY' }
      >;
      givenPolicy(paidTwo)
        .when(changeContract('2026-03-15', [withoutRiders]))
        .thenThrows('RIDER_PREMIUMS_INVALID');
      givenPolicy(paidTwo)
        .when(
          changeContract('2026-03-15', [
            {
              ...withoutRiders,
              riderPremiums: [
                { code: 'ADB', modalPremium: cny(0) },
                { code: 'XYZ', modalPremium: cny(1) },
              ],
            },
          ]),
        )
        .thenThrows('RIDER_PREMIUMS_INVALID');
    });

    it('to the frequency already in force → NOTHING_TO_CHANGE', () => {
      givenPolicy(paidTwo)
        .when(changeContract('2026-03-15', [{ ...toMonthly, frequency: 'ANNUAL' } as ContractChange]))
        .thenThrows('NOTHING_TO_CHANGE');
    });
  });

  describe('SUM_ASSURED', () => {
    const decrease: ContractChange = { kind: 'SUM_ASSURED', sumAssured: cny(5_000_000), modalPremium: cny(60_000) };

    it('changes the sum assured and the premium of installments due from the effective date', () => {
      const policy = stateAfterChange([issued], '2025-03-15', [decrease]);
      expect(policy.sumAssured).toEqual(cny(5_000_000));
      expect(nextOpenInstallment(policy)!.amount).toEqual(cny(60_000));
    });

    it('an increase without an underwriting reference → UNDERWRITING_REQUIRED; with one it is accepted', () => {
      const increase: ContractChange = { kind: 'SUM_ASSURED', sumAssured: cny(20_000_000), modalPremium: cny(240_000) };
      givenPolicy([issued])
        .when(changeContract('2025-03-15', [increase]))
        .thenThrows('UNDERWRITING_REQUIRED');
      const underwritten = { ...increase, underwritingRef: 'UW-5' };
      expect(
        givenPolicy([issued])
          .when(changeContract('2025-03-15', [underwritten]))
          .events(),
      ).toHaveLength(1);
    });

    it('to zero → SUM_ASSURED_INVALID', () => {
      givenPolicy([issued])
        .when(changeContract('2025-01-01', [{ ...decrease, sumAssured: cny(0) } as ContractChange]))
        .thenThrows('SUM_ASSURED_INVALID');
    });

    it('in another currency → CURRENCY_MISMATCH', () => {
      givenPolicy([issued])
        .when(
          changeContract('2025-01-01', [
            { ...decrease, modalPremium: { amount: 1, currency: 'USD' } } as ContractChange,
          ]),
        )
        .thenThrows('CURRENCY_MISMATCH');
    });

    it('while premiums are waived → WAIVER_ACTIVE', () => {
      givenPolicy(waived)
        .when(changeContract('2025-01-01', [decrease]))
        .thenThrows('WAIVER_ACTIVE');
    });
  });

  describe('riders', () => {
    const rider = { code: 'CI', sumAssured: cny(1_000_000), modalPremium: cny(5_000), endDate: '2044-03-15' };

    it('RIDER_ADDED adds a rider ending no later than maturity; RIDER_REMOVED removes one', () => {
      const policy = stateAfterChange([issued], '2025-03-15', [
        { kind: 'RIDER_ADDED', rider },
        { kind: 'RIDER_REMOVED', riderCode: 'ADB' },
      ]);
      expect(policy.riders).toEqual([{ ...rider, startDate: '2025-03-15' }]);
      // The rider is billed from its start: base 120,000 + CI 5,000 = 125,000 for installment 2 (due 2025-03-15).
      expect(nextOpenInstallment(policy)).toEqual({ installmentNo: 2, dueDate: '2025-03-15', amount: cny(125_000) });
    });

    it('a rider ending after maturity → RIDER_ENDS_AFTER_MATURITY', () => {
      givenPolicy([issued])
        .when(changeContract('2025-01-01', [{ kind: 'RIDER_ADDED', rider: { ...rider, endDate: '2044-03-16' } }]))
        .thenThrows('RIDER_ENDS_AFTER_MATURITY');
    });

    it('a rider code the policy already has → DUPLICATE_RIDER', () => {
      givenPolicy([issued])
        .when(changeContract('2025-01-01', [{ kind: 'RIDER_ADDED', rider: { ...rider, code: 'ADB' } }]))
        .thenThrows('DUPLICATE_RIDER');
    });

    it('removing a rider the policy does not have → UNKNOWN_RIDER', () => {
      givenPolicy([issued])
        .when(changeContract('2025-01-01', [{ kind: 'RIDER_REMOVED', riderCode: 'XYZ' }]))
        .thenThrows('UNKNOWN_RIDER');
    });

    it('changes of one request are checked in order and rejected together: removing a rider twice fails as a whole', () => {
      givenPolicy([issued])
        .when(
          changeContract('2025-01-01', [
            { kind: 'RIDER_REMOVED', riderCode: 'ADB' },
            { kind: 'RIDER_REMOVED', riderCode: 'ADB' },
          ]),
        )
        .thenThrows('UNKNOWN_RIDER');
    });
  });

  it('an impossible birth date in a personal-details change → INVALID_DATE', () => {
    givenPolicy([issued])
      .when(changeContract('2025-01-01', [{ kind: 'PERSONAL_DETAILS', party: 'INSURED', birthDate: '1982-02-30' }]))
      .thenThrows('INVALID_DATE');
  });

  describe('a change that changes nothing → NOTHING_TO_CHANGE (no endorsement number used)', () => {
    it.each<[string, ContractChange]>([
      ['the same phone', { kind: 'CONTACT', phone: POLICYHOLDER.phone! }],
      ['no contact field', { kind: 'CONTACT' }],
      [
        'the same payment method',
        { kind: 'PAYMENT_METHOD', paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' } },
      ],
      ['the same birth date', { kind: 'PERSONAL_DETAILS', party: 'INSURED', birthDate: INSURED.birthDate }],
      ['no personal detail', { kind: 'PERSONAL_DETAILS', party: 'INSURED' }],
      [
        'the same policyholder',
        {
          kind: 'POLICYHOLDER',
          newPolicyholder: POLICYHOLDER,
          insuredConsent: true,
          previousPolicyholderConsent: true,
        },
      ],
    ])('%s', (_case, change) => {
      givenPolicy([issued])
        .when(changeContract('2025-01-10', [change]))
        .thenThrows('NOTHING_TO_CHANGE');
    });

    it('a real change after a refused one still gets E1', () => {
      const [event] = givenPolicy([issued])
        .when(changeContract('2025-01-10', [{ kind: 'CONTACT', phone: '+86 139 0000 0002' }]))
        .events();
      expect(event!.data).toMatchObject({ endorsementNo: 'P-2024-0001-E1' });
    });
  });

  it('CONTACT for the insured changes the insured’s details, not the policyholder’s', () => {
    const policy = stateAfterChange([issued], '2025-01-10', [
      { kind: 'CONTACT', party: 'INSURED', phone: '+86 139 0000 0003' },
    ]);
    expect(policy.insured.phone).toBe('+86 139 0000 0003');
    expect(policy.policyholder.phone).toBe(POLICYHOLDER.phone);
  });
});
