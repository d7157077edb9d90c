import { givenPolicy } from '../testing/decider-specification';
import {
  changeBeneficiaries,
  CHILD_BENEFICIARY,
  INSURED,
  policyIssued,
  POLICYHOLDER,
} from '../testing/policy-fixtures';
import { type Beneficiary } from './policy-values';

const spouse: Beneficiary = { name: 'Zhao Min', relationship: 'SPOUSE', order: 1, sharePercent: 60 };
const child: Beneficiary = { ...CHILD_BENEFICIARY, sharePercent: 40 };
const parent: Beneficiary = { name: 'Li Gang', relationship: 'PARENT', order: 2, sharePercent: 100 };

describe('ChangeBeneficiaries', () => {
  it('designated by the insured: records the new beneficiaries under endorsement E1', () => {
    givenPolicy([policyIssued()])
      .when(changeBeneficiaries({ beneficiaries: [spouse, child, parent] }))
      .then([
        {
          type: 'BeneficiariesChanged',
          data: {
            endorsementNo: 'P-2024-0001-E1',
            effectiveDate: '2025-01-10',
            designatedBy: 'INSURED',
            insuredConsent: false,
            beneficiaries: [spouse, child, parent],
          },
        },
      ]);
  });

  it('designated by a policyholder who is not the insured, with the insured’s consent, is accepted', () => {
    const [event] = givenPolicy([policyIssued()])
      .when(changeBeneficiaries({ designatedBy: 'POLICYHOLDER', insuredConsent: true }))
      .events();
    expect(event!.type).toBe('BeneficiariesChanged');
  });

  it('designated by a policyholder who is not the insured, without consent → INSURED_CONSENT_REQUIRED', () => {
    givenPolicy([policyIssued()])
      .when(changeBeneficiaries({ designatedBy: 'POLICYHOLDER', insuredConsent: false }))
      .thenThrows('INSURED_CONSENT_REQUIRED');
  });

  it('designated by a policyholder who is the insured needs no separate consent', () => {
    const selfInsured = policyIssued({ insured: POLICYHOLDER });
    const [event] = givenPolicy([selfInsured])
      .when(changeBeneficiaries({ designatedBy: 'POLICYHOLDER', insuredConsent: false }))
      .events();
    expect(event!.type).toBe('BeneficiariesChanged');
  });

  it('shares of an order summing to 99 or 101 → BENEFICIARY_SHARES_INVALID', () => {
    givenPolicy([policyIssued()])
      .when(changeBeneficiaries({ beneficiaries: [spouse, { ...child, sharePercent: 39 }] }))
      .thenThrows('BENEFICIARY_SHARES_INVALID');
    givenPolicy([policyIssued()])
      .when(changeBeneficiaries({ beneficiaries: [spouse, { ...child, sharePercent: 41 }] }))
      .thenThrows('BENEFICIARY_SHARES_INVALID');
  });

  it('a share that is not a whole percentage 1–100 → BENEFICIARY_SHARES_INVALID', () => {
    givenPolicy([policyIssued()])
      .when(
        changeBeneficiaries({
          beneficiaries: [
            { ...spouse, sharePercent: 60.5 },
            { ...child, sharePercent: 39.5 },
          ],
        }),
      )
      .thenThrows('BENEFICIARY_SHARES_INVALID');
    givenPolicy([policyIssued()])
      .when(
        changeBeneficiaries({
          beneficiaries: [
            { ...spouse, sharePercent: 100 },
            { ...child, sharePercent: 0 },
          ],
        }),
      )
      .thenThrows('BENEFICIARY_SHARES_INVALID');
  });

  it('an order outside 1–9 → BENEFICIARY_ORDER_INVALID', () => {
    givenPolicy([policyIssued()])
      .when(changeBeneficiaries({ beneficiaries: [{ ...parent, order: 10 }] }))
      .thenThrows('BENEFICIARY_ORDER_INVALID');
  });

  it('the same person twice (same identity document) → DUPLICATE_BENEFICIARY', () => {
    givenPolicy([policyIssued()])
      .when(
        changeBeneficiaries({
          beneficiaries: [
            { ...child, sharePercent: 50 },
            { ...child, name: 'Li Ming (school name)', sharePercent: 50 },
          ],
        }),
      )
      .thenThrows('DUPLICATE_BENEFICIARY');
  });

  it('the insured named as beneficiary (by identity document) → INSURED_AS_BENEFICIARY', () => {
    givenPolicy([policyIssued()])
      .when(
        changeBeneficiaries({
          beneficiaries: [
            {
              name: 'W. Fang',
              relationship: 'OTHER',
              idType: INSURED.idType,
              idNumber: INSURED.idNumber,
              order: 1,
              sharePercent: 100,
            },
          ],
        }),
      )
      .thenThrows('INSURED_AS_BENEFICIARY');
  });

  it('a second change gets endorsement E2 and replaces the list', () => {
    const first = givenPolicy([policyIssued()])
      .when(changeBeneficiaries({ beneficiaries: [parent] }))
      .events();
    const [second] = givenPolicy([policyIssued(), ...first])
      .when(changeBeneficiaries())
      .events();
    expect(second!.data).toMatchObject({ endorsementNo: 'P-2024-0001-E2', beneficiaries: [CHILD_BENEFICIARY] });
  });

  it('is allowed while the policy is lapsed (servicing continues)', () => {
    const [event] = givenPolicy([
      policyIssued(),
      {
        type: 'PolicyLapsed',
        data: {
          lapsedOn: '2025-05-15',
          installmentNo: 2,
          dueDate: '2025-03-15',
          reinstatementDeadline: '2027-05-15',
          cause: 'PREMIUM_UNPAID',
        },
      },
    ])
      .when(changeBeneficiaries())
      .events();
    expect(event!.type).toBe('BeneficiariesChanged');
  });
});
