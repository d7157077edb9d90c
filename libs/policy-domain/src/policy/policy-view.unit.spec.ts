import { DomainError } from '../errors';
import { eventsOf, policyStateAfter } from '../testing/decider-specification';
import {
  CHILD_BENEFICIARY,
  cny,
  INSURED,
  lapsePolicy,
  paySurvivalBenefit,
  policyIssued,
  POLICYHOLDER,
  terminatePolicy,
  waivePremium,
} from '../testing/policy-fixtures';
import { policyView } from './policy-view';

const issued = policyIssued();

describe('policyView', () => {
  it('shows a freshly issued policy with installment 1 paid and installment 2 next', () => {
    expect(policyView(policyStateAfter([issued]), { revision: 0 })).toEqual({
      policyId: 'P-2024-0001',
      revision: 0,
      status: 'IN_FORCE',
      statusReason: null,
      productCode: 'ENDOW-20',
      currency: 'CNY',
      jurisdiction: 'CN',
      policyholder: POLICYHOLDER,
      insured: INSURED,
      beneficiaries: [CHILD_BENEFICIARY],
      sumAssured: cny(10_000_000),
      riders: [{ code: 'ADB', sumAssured: cny(5_000_000), modalPremium: cny(0), endDate: '2034-03-15' }],
      premium: {
        modalPremium: cny(120_000),
        frequency: 'ANNUAL',
        paymentTermYears: 10,
        paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
        installmentCount: 10,
        paidInstallments: 1,
        nextInstallment: { installmentNo: 2, dueDate: '2025-03-15', amount: cny(120_000) },
        lapseEligibleFrom: '2025-05-15',
        waiver: null,
      },
      servicing: { branchCode: 'BJ01', region: 'NORTH', agentId: 'A-001', orphaned: false },
      lapse: null,
      survivalBenefits: [
        { periodNo: 1, kind: 'SURVIVAL', dueDate: '2029-03-15', amount: cny(500_000), paidOn: null },
        { periodNo: 2, kind: 'SURVIVAL', dueDate: '2034-03-15', amount: cny(500_000), paidOn: null },
        { periodNo: 3, kind: 'MATURITY', dueDate: '2044-03-15', amount: cny(10_000_000), paidOn: null },
      ],
      endorsementCount: 0,
      effectiveDate: '2024-03-15',
      maturityDate: '2044-03-15',
    });
  });

  it('shows the lapse and its reinstatement deadline, and no lapse eligibility while lapsed', () => {
    const view = policyView(policyStateAfter([issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])]), {
      revision: 1,
    });
    expect(view.status).toBe('LAPSED');
    expect(view.lapse).toEqual({ lapsedOn: '2025-05-15', reinstatementDeadline: '2027-05-15' });
    expect(view.premium.lapseEligibleFrom).toBeNull();
  });

  it('shows an active waiver and no next installment to pay', () => {
    const view = policyView(policyStateAfter([issued, ...eventsOf([waivePremium('2024-07-01')], [issued])]), {
      revision: 1,
    });
    expect(view.premium.waiver).toMatchObject({ waivedFromInstallment: 2, waivedFromDate: '2025-03-15' });
    expect(view.premium.nextInstallment).toBeNull();
    expect(view.premium.lapseEligibleFrom).toBeNull();
  });

  it('shows paid survival benefits with their payment date', () => {
    const view = policyView(policyStateAfter([issued, ...eventsOf([paySurvivalBenefit(1, '2029-03-20')], [issued])]), {
      revision: 1,
    });
    expect(view.survivalBenefits[0]).toMatchObject({ periodNo: 1, paidOn: '2029-03-20' });
  });

  it('shows the termination reason as status reason', () => {
    const view = policyView(
      policyStateAfter([issued, ...eventsOf([terminatePolicy('2025-01-10', 'SURRENDER')], [issued])]),
      { revision: 1 },
    );
    expect(view).toMatchObject({ status: 'TERMINATED', statusReason: 'SURRENDER' });
  });

  it('is orphaned when the caller knows the servicing agent departed (and the policy is open)', () => {
    expect(
      policyView(policyStateAfter([issued]), { revision: 0, servicingAgentDeparted: true }).servicing.orphaned,
    ).toBe(true);
    const terminated = policyStateAfter([issued, ...eventsOf([terminatePolicy('2025-01-10', 'DEATH')], [issued])]);
    expect(policyView(terminated, { revision: 1, servicingAgentDeparted: true }).servicing.orphaned).toBe(false);
  });

  it('for a stream without a policy → POLICY_NOT_FOUND', () => {
    expect(() => policyView(policyStateAfter([]), { revision: 0 })).toThrow(DomainError);
  });
});
