import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { cny, INSURED, lapsePolicy, payPremium, policyIssued, waivePremium } from '../testing/policy-fixtures';
import { type IssuedPolicy } from './policy-state';
import { premiumInstallments } from './premium-installments';

const issued = policyIssued();
// effective 2024-03-15: the 90-day waiting period ends 2024-06-13

describe('WaivePremium', () => {
  it('waives from the first installment due after the event date', () => {
    givenPolicy([issued])
      .when(waivePremium('2024-07-01', { reason: 'POLICYHOLDER_CRITICAL_ILLNESS', evidenceRef: 'DX-42' }))
      .then([
        {
          type: 'PremiumWaived',
          data: {
            reason: 'POLICYHOLDER_CRITICAL_ILLNESS',
            eventDate: '2024-07-01',
            evidenceRef: 'DX-42',
            waivedFromInstallment: 2,
            waivedFromDate: '2025-03-15',
            refund: null,
            payable: null,
          },
        },
      ]);
  });

  it('an installment due on the event date itself still has to be paid', () => {
    const [event] = givenPolicy([issued]).when(waivePremium('2025-03-15')).events();
    expect(event!.data).toMatchObject({ waivedFromInstallment: 3, waivedFromDate: '2026-03-15' });
  });

  it('waived installments need no payment: every later installment shows as WAIVED', () => {
    const waived = [issued, ...eventsOf([waivePremium('2024-07-01')], [issued])];
    const statuses = premiumInstallments(policyStateAfter(waived) as IssuedPolicy).map((i) => i.status);
    expect(statuses).toEqual(['PAID', ...Array<string>(9).fill('WAIVED')]);
  });

  it('on the first day after the waiting period is accepted; the day before → WAIVER_IN_WAITING_PERIOD', () => {
    expect(givenPolicy([issued]).when(waivePremium('2024-06-13')).events()).toHaveLength(1);
    givenPolicy([issued])
      .when(waivePremium('2024-06-12'))
      .thenThrows('WAIVER_IN_WAITING_PERIOD', /2024-06-13/);
  });

  it('a second waiver → WAIVER_ALREADY_ACTIVE', () => {
    const waived = [issued, ...eventsOf([waivePremium('2024-07-01')], [issued])];
    givenPolicy(waived).when(waivePremium('2024-08-01')).thenThrows('WAIVER_ALREADY_ACTIVE');
  });

  it('with no installment left to fall due → NOTHING_TO_WAIVE', () => {
    const payments = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => payPremium(n, `${2023 + n}-03-01`));
    const paidUp = [issued, ...eventsOf(payments, [issued])];
    givenPolicy(paidUp).when(waivePremium('2034-01-01')).thenThrows('NOTHING_TO_WAIVE');
    givenPolicy(paidUp).when(waivePremium('2033-03-15')).thenThrows('NOTHING_TO_WAIVE');
  });

  it('for an event while the contract was suspended by law (no lapse recorded) → POLICY_NOT_IN_FORCE', () => {
    // Installment 2 due 2025-03-15 unpaid: suspended from 2025-05-15; the event on 2025-06-01 is not covered.
    givenPolicy([issued])
      .when(waivePremium('2025-06-01'))
      .thenThrows('POLICY_NOT_IN_FORCE', /SUSPENDED since 2025-05-15/);
    // In grace (2025-05-14) the contract is in force: the waiver covers installment 3 on, and installment 2 is
    // still owed.
    const [event] = givenPolicy([issued]).when(waivePremium('2025-05-14')).events();
    expect(event!.data).toMatchObject({ waivedFromInstallment: 3, waivedFromDate: '2026-03-15', refund: null });
  });

  it.each(['POLICYHOLDER_DEATH', 'POLICYHOLDER_TOTAL_DISABILITY', 'POLICYHOLDER_CRITICAL_ILLNESS'] as const)(
    '%s when the policyholder is the insured → WAIVER_REASON_INVALID (that is a claim)',
    (reason) => {
      const ownLife = policyIssued({ policyholder: INSURED });
      givenPolicy([ownLife]).when(waivePremium('2024-07-01', { reason })).thenThrows('WAIVER_REASON_INVALID');
      expect(
        givenPolicy([ownLife])
          .when(waivePremium('2024-07-01', { reason: 'INSURED_CRITICAL_ILLNESS' }))
          .events(),
      ).toHaveLength(1);
    },
  );

  it('installments paid in advance that fall due after the event are waived too, and their premium is refunded', () => {
    // Installments 2 (due 2025-03-15) and 3 (due 2026-03-15) paid in advance, 120,000 each; the event on
    // 2024-12-20 waives from installment 2: refund 2 × 120,000 = 240,000.
    const prepaid = [issued, ...eventsOf([payPremium(2, '2024-12-01'), payPremium(3, '2024-12-15')], [issued])];
    const [event] = givenPolicy(prepaid)
      .when(waivePremium('2024-12-20', { today: '2025-01-05' }))
      .events();
    expect(event!.data).toMatchObject({ waivedFromInstallment: 2, waivedFromDate: '2025-03-15', refund: cny(240_000) });
  });

  it('without evidence → WAIVER_EVIDENCE_REQUIRED', () => {
    givenPolicy([issued])
      .when(waivePremium('2024-07-01', { evidenceRef: '' }))
      .thenThrows('WAIVER_EVIDENCE_REQUIRED');
  });

  it('on a lapsed policy → POLICY_NOT_IN_FORCE', () => {
    const lapsed = [issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])];
    givenPolicy(lapsed).when(waivePremium('2025-06-01')).thenThrows('POLICY_NOT_IN_FORCE');
  });
});
