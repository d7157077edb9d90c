import { DomainError } from '../errors';
import { eventsOf, policyStateAfter } from '../testing/decider-specification';
import {
  changeContract,
  CHILD_BENEFICIARY,
  cny,
  INSURED,
  lapsePolicy,
  payPremium,
  paySurvivalBenefit,
  policyIssued,
  POLICYHOLDER,
  terminatePolicy,
  transferPolicy,
  waivePremium,
  agentSnapshot,
  surrenderPolicy,
  STANDARD_PRODUCT,
} from '../testing/policy-fixtures';
import { policyView } from './policy-view';

const issued = policyIssued();

describe('policyView', () => {
  it('shows a freshly issued policy with installment 1 paid and installment 2 next', () => {
    expect(policyView(policyStateAfter([issued]), { revision: 0, effectiveOn: '2024-03-15' })).toEqual({
      policyId: 'P-2024-0001',
      revision: 0,
      effectiveOn: '2024-03-15',
      status: 'IN_FORCE',
      statusByLaw: 'IN_FORCE',
      suspendedSince: null,
      statusReason: null,
      productCode: 'ENDOW-20',
      currency: 'CNY',
      jurisdiction: 'CN',
      policyholder: POLICYHOLDER,
      insured: INSURED,
      beneficiaries: [CHILD_BENEFICIARY],
      sumAssured: cny(10_000_000),
      riders: [
        {
          code: 'ADB',
          sumAssured: cny(5_000_000),
          modalPremium: cny(0),
          endDate: '2034-03-15',
          startDate: '2024-03-15',
        },
      ],
      premium: {
        modalPremium: cny(120_000),
        installmentPremium: cny(120_000),
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
      scheduledChanges: [],
      effectiveDate: '2024-03-15',
      maturityDate: '2044-03-15',
      // Asked without the product: no cash value is computed.
      cashValue: null,
      automaticPremiumLoan: false,
      nonforfeiture: null,
      loan: null,
      payables: [],
    });
  });

  it('shows the lapse and its reinstatement deadline, and no lapse eligibility while lapsed', () => {
    const view = policyView(policyStateAfter([issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])]), {
      revision: 1,
      effectiveOn: '2025-06-01',
    });
    expect(view).toMatchObject({ status: 'LAPSED', statusByLaw: 'SUSPENDED', suspendedSince: '2025-05-15' });
    expect(view.lapse).toEqual({ lapsedOn: '2025-05-15', reinstatementDeadline: '2027-05-15' });
    expect(view.premium.lapseEligibleFrom).toBeNull();
  });

  it('shows an active waiver and no next installment to pay', () => {
    const view = policyView(policyStateAfter([issued, ...eventsOf([waivePremium('2024-07-01')], [issued])]), {
      revision: 1,
      effectiveOn: '2026-01-01',
    });
    expect(view.statusByLaw).toBe('IN_FORCE');
    expect(view.premium.waiver).toMatchObject({ waivedFromInstallment: 2, waivedFromDate: '2025-03-15' });
    expect(view.premium.nextInstallment).toBeNull();
    expect(view.premium.lapseEligibleFrom).toBeNull();
  });

  it('shows paid survival benefits with their payment date', () => {
    const paid = [
      issued,
      ...eventsOf(
        [1, 2, 3, 4, 5].map((n) => payPremium(n + 1, `${2024 + n}-03-15`)),
        [issued],
      ),
    ];
    const view = policyView(policyStateAfter([...paid, ...eventsOf([paySurvivalBenefit(1, '2029-03-20')], paid)]), {
      revision: 6,
      effectiveOn: '2029-03-20',
    });
    expect(view.survivalBenefits[0]).toMatchObject({ periodNo: 1, paidOn: '2029-03-20' });
  });

  it('is suspended by law past the lapse date of an unpaid installment, although the lapse is not recorded', () => {
    const state = policyStateAfter([issued]);
    expect(policyView(state, { revision: 0, effectiveOn: '2025-05-14' })).toMatchObject({
      status: 'IN_FORCE',
      statusByLaw: 'IN_FORCE',
      premium: { nextInstallment: { installmentNo: 2, dueDate: '2025-03-15' } },
    });
    expect(policyView(state, { revision: 0, effectiveOn: '2025-05-15' })).toMatchObject({
      status: 'IN_FORCE',
      statusByLaw: 'SUSPENDED',
      suspendedSince: '2025-05-15',
    });
  });

  it('shows the terms in force on the date; a later-dated endorsement is listed as scheduled, not applied', () => {
    // Recorded 2025-01-10: from installment 2 (2025-03-15) the sum assured is 5,000,000 at 60,000 a year.
    const halved = [
      issued,
      ...eventsOf(
        [
          changeContract(
            '2025-03-15',
            [{ kind: 'SUM_ASSURED', sumAssured: cny(5_000_000), modalPremium: cny(60_000) }],
            '2025-01-10',
          ),
        ],
        [issued],
      ),
    ];
    const state = policyStateAfter(halved);
    expect(policyView(state, { revision: 1, effectiveOn: '2025-01-10' })).toMatchObject({
      sumAssured: cny(10_000_000),
      premium: { modalPremium: cny(120_000), nextInstallment: { installmentNo: 2, amount: cny(60_000) } },
      scheduledChanges: [{ endorsementNo: 'P-2024-0001-E1', effectiveDate: '2025-03-15', kinds: ['SUM_ASSURED'] }],
    });
    expect(policyView(state, { revision: 1, effectiveOn: '2025-03-15' })).toMatchObject({
      sumAssured: cny(5_000_000),
      premium: { modalPremium: cny(60_000) },
      scheduledChanges: [],
    });
  });

  it('on a date before the policy took effect → DATE_BEFORE_POLICY', () => {
    expect(() => policyView(policyStateAfter([issued]), { revision: 0, effectiveOn: '2024-03-14' })).toThrow(
      expect.objectContaining({ code: 'DATE_BEFORE_POLICY' }),
    );
  });

  it('shows the termination reason as status reason', () => {
    const view = policyView(policyStateAfter([issued, ...eventsOf([surrenderPolicy('2025-01-10')], [issued])]), {
      revision: 1,
      effectiveOn: '2025-01-10',
    });
    expect(view).toMatchObject({ status: 'TERMINATED', statusReason: 'SURRENDER', statusByLaw: 'TERMINATED' });
  });

  it('is orphaned when the servicing agent departed or is unknown (and the policy is open)', () => {
    const on = { revision: 0, effectiveOn: '2024-06-01' };
    const departed = agentSnapshot('A-001', { status: 'DEPARTED' });
    expect(policyView(policyStateAfter([issued]), { ...on, servicingAgent: departed }).servicing.orphaned).toBe(true);
    expect(policyView(policyStateAfter([issued]), { ...on, servicingAgent: null }).servicing.orphaned).toBe(true);
    expect(
      policyView(policyStateAfter([issued]), { ...on, servicingAgent: { ...departed, status: 'ACTIVE' } }).servicing
        .orphaned,
    ).toBe(false);
    const terminated = policyStateAfter([issued, ...eventsOf([terminatePolicy('2025-01-10', 'DEATH')], [issued])]);
    expect(
      policyView(terminated, { revision: 1, effectiveOn: '2025-01-10', servicingAgent: departed }).servicing.orphaned,
    ).toBe(false);
  });

  it('is orphaned after a transfer without a target agent', () => {
    const transferred = policyStateAfter([
      issued,
      ...eventsOf([transferPolicy({ effectiveDate: '2025-01-10' }, { today: '2025-01-10' })], [issued]),
    ]);
    expect(policyView(transferred, { revision: 1, effectiveOn: '2025-01-10' }).servicing.orphaned).toBe(true);
  });

  it('for a stream without a policy → POLICY_NOT_FOUND', () => {
    expect(() => policyView(policyStateAfter([]), { revision: 0, effectiveOn: '2024-03-15' })).toThrow(DomainError);
  });
});

describe('policyView: cash value and payables (DESIGN 2.8, 2.9)', () => {
  const worked = policyIssued({
    effectiveDate: '2024-03-01',
    maturityDate: '2044-03-01',
    riders: [],
    survivalBenefits: [],
  });
  const paid = [worked, ...eventsOf([payPremium(2, '2025-03-01'), payPremium(3, '2026-03-01')], [worked])];

  it('shows the cash value on effectiveOn under the product sold (the worked example: 476,438)', () => {
    const view = policyView(policyStateAfter(paid), {
      revision: 2,
      effectiveOn: '2026-09-01',
      product: STANDARD_PRODUCT,
    });
    expect(view.cashValue).toEqual(cny(476_438));
  });

  it('shows each payable with its status, and overdue once DUE past its deadline', () => {
    const surrendered = [...paid, ...eventsOf([surrenderPolicy('2026-09-01')], paid)];
    const on = (effectiveOn: string) =>
      policyView(policyStateAfter(surrendered), { revision: 3, effectiveOn, product: STANDARD_PRODUCT });
    expect(on('2026-10-01').payables).toEqual([
      {
        payableId: 'P-2024-0001-P1',
        kind: 'SURRENDER',
        amount: cny(476_438),
        payee: { name: 'Li Wei', accountRef: 'ACC-1' },
        dueBy: '2026-10-01',
        status: 'DUE',
        overdue: false,
        paidOn: null,
      },
    ]);
    expect(on('2026-10-02').payables[0]).toMatchObject({ status: 'DUE', overdue: true });
    // Closed: no cash value any more.
    expect(on('2026-10-02').cashValue).toBeNull();
  });
});
