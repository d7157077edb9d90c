import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  cny,
  lapsePolicy,
  payPremium,
  policyIssued,
  recordDelivery,
  reinstatePolicy,
  sendReminder,
  terminatePolicy,
  terminated,
  waivePremium,
} from '../testing/policy-fixtures';
import { CN_RULE_PROFILE } from '../rule-profiles';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';
import { lapseEligibleFrom, mayLapseOn } from './premium-installments';

const issued = policyIssued();
// Installment 2 is due 2025-03-15; 60 days of grace end on 2025-05-14.

function lapsedOn(lapseDate: string, given: PolicyEvent[] = [issued]): PolicyEvent[] {
  return [...given, ...eventsOf([lapsePolicy(lapseDate)], given)];
}

describe('LapsePolicy', () => {
  it('an unpaid annual installment lapses the day after the 60-day grace period, with a 2-year reinstatement deadline', () => {
    givenPolicy([issued])
      .when(lapsePolicy('2025-05-15'))
      .then([
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
      ]);
  });

  it('on the last day of grace → GRACE_PERIOD_NOT_OVER, naming the first day it may lapse', () => {
    givenPolicy([issued])
      .when(lapsePolicy('2025-05-14'))
      .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2025-05-15/);
  });

  it('by default the contract has not agreed the notice rule: even a delivered overdue notice leaves 60 days', () => {
    // Art. 36: 30 days after a notice only where the contract says so; without it, due + 60 days.
    const given = [issued, ...eventsOf([sendReminder(2, 'OVERDUE_NOTICE', '2025-03-20')], [issued])];
    const delivered = [...given, ...eventsOf([recordDelivery('P-2024-0001-R1', 'DELIVERED', '2025-03-25')], given)];
    givenPolicy(delivered)
      .when(lapsePolicy('2025-05-14'))
      .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2025-05-15/);
  });

  describe('where the product agreed the notice rule (noticeShortensGrace)', () => {
    const agreed = policyIssued({}, { ...CN_RULE_PROFILE, noticeShortensGrace: true });
    const noticed = [agreed, ...eventsOf([sendReminder(2, 'OVERDUE_NOTICE', '2025-03-20')], [agreed])];
    const deliveredOn = (outcome: 'DELIVERED' | 'RETURNED' | 'UNREACHABLE', recordedOn: string) => [
      ...noticed,
      ...eventsOf([recordDelivery('P-2024-0001-R1', outcome, recordedOn)], noticed),
    ];

    it('a DELIVERED notice lapses the policy 30 days after its delivery, when that ends before the grace period', () => {
      // Delivered 2025-03-25: cover continues to 2025-03-25 + 30 = 2025-04-24; may lapse from 2025-04-25.
      const delivered = deliveredOn('DELIVERED', '2025-03-25');
      givenPolicy(delivered)
        .when(lapsePolicy('2025-04-24'))
        .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2025-04-25/);
      const [event] = givenPolicy(delivered).when(lapsePolicy('2025-04-25')).events();
      expect(event!.data).toMatchObject({ lapsedOn: '2025-04-25', reinstatementDeadline: '2027-04-25' });
    });

    it('a notice with no delivery recorded does not count: it takes effect on arrival, not when sent', () => {
      givenPolicy(noticed)
        .when(lapsePolicy('2025-04-20'))
        .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2025-05-15/);
    });

    it.each(['RETURNED', 'UNREACHABLE'] as const)(
      'a notice recorded as %s does not count: the 60-day grace applies',
      (outcome) => {
        const undelivered = deliveredOn(outcome, '2025-03-30');
        givenPolicy(undelivered)
          .when(lapsePolicy('2025-04-30'))
          .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2025-05-15/);
        expect(givenPolicy(undelivered).when(lapsePolicy('2025-05-15')).events()).toHaveLength(1);
      },
    );

    it('a notice delivered late does not extend the grace period (the earlier end wins)', () => {
      // Delivered 2025-04-20: 2025-05-20 is later than the grace end 2025-05-14.
      expect(givenPolicy(deliveredOn('DELIVERED', '2025-04-20')).when(lapsePolicy('2025-05-15')).events()).toHaveLength(
        1,
      );
    });

    it('a notice for another installment does not count for this one', () => {
      // The delivered notice for installment 2 ends with its payment; installment 3 (due 2026-03-15) has 60 days.
      const paid = [...deliveredOn('DELIVERED', '2025-03-25')];
      paid.push(...eventsOf([payPremium(2, '2025-04-01')], paid));
      givenPolicy(paid)
        .when(lapsePolicy('2026-05-14'))
        .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2026-05-15/);
    });
  });

  it('a pre-due reminder starts no notice period', () => {
    const reminded = [issued, ...eventsOf([sendReminder(2, 'PRE_DUE', '2025-03-01')], [issued])];
    givenPolicy(reminded)
      .when(lapsePolicy('2025-04-01'))
      .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2025-05-15/);
  });

  it('when every installment is paid (paid up) → NO_OVERDUE_INSTALLMENT', () => {
    const payments = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => payPremium(n, `${2023 + n}-03-01`));
    const paidUp = [issued, ...eventsOf(payments, [issued])];
    givenPolicy(paidUp).when(lapsePolicy('2040-01-01')).thenThrows('NO_OVERDUE_INSTALLMENT');
  });

  it('when the remaining installments are waived → NO_OVERDUE_INSTALLMENT (waived installments never lapse)', () => {
    const waived = [issued, ...eventsOf([waivePremium('2024-07-01')], [issued])];
    givenPolicy(waived).when(lapsePolicy('2026-01-01')).thenThrows('NO_OVERDUE_INSTALLMENT');
  });

  it('an already lapsed policy → POLICY_NOT_IN_FORCE', () => {
    givenPolicy(lapsedOn('2025-05-15')).when(lapsePolicy('2025-06-01')).thenThrows('POLICY_NOT_IN_FORCE');
  });

  it('tells the scheduler from which day the policy may lapse', () => {
    const policy = policyStateAfter([issued]) as IssuedPolicy;
    expect(lapseEligibleFrom(policy)).toBe('2025-05-15');
    expect(mayLapseOn(policy, '2025-05-14')).toBe(false);
    expect(mayLapseOn(policy, '2025-05-15')).toBe(true);
  });

  it('a lapse deadline from Feb 29 is clamped to Feb 28', () => {
    const leap = policyIssued({
      effectiveDate: '2026-12-30',
      maturityDate: '2046-12-30',
      survivalBenefits: [],
      riders: [],
    });
    // installment 2 due 2027-12-30; 60 days' grace ends 2028-02-28, so the policy lapses on the leap day 2028-02-29
    const [event] = givenPolicy([leap]).when(lapsePolicy('2028-02-29')).events();
    expect(event!.data).toMatchObject({ lapsedOn: '2028-02-29', reinstatementDeadline: '2030-02-28' });
  });

  it('a lapse recorded late keeps the deadline counted from the day the policy lapsed by law', () => {
    // installment 2 due 2025-03-15 lapses the policy from 2025-05-15; recording it on 2025-07-01 changes nothing
    const [event] = givenPolicy([issued]).when(lapsePolicy('2025-07-01')).events();
    expect(event!.data).toMatchObject({ lapsedOn: '2025-07-01', reinstatementDeadline: '2027-05-15' });
  });
});

describe('ReinstatePolicy', () => {
  const lapsed = lapsedOn('2025-05-15');

  it('pays the arrears (premium + simple interest) and puts the policy back in force', () => {
    // 120,000 × 5 % × 78 / 365 = 1,282.19 → 1,282
    givenPolicy(lapsed)
      .when(reinstatePolicy('2025-06-01', cny(121_282), { healthDeclarationRef: 'HD-9' }))
      .then([
        {
          type: 'PolicyReinstated',
          data: {
            reinstatedOn: '2025-06-01',
            installmentsCovered: [2],
            premiums: cny(120_000),
            interest: cny(1_282),
            total: cny(121_282),
            healthDeclarationRef: 'HD-9',
          },
        },
      ]);
  });

  it('after reinstatement the covered installments count as paid and the next one is due', () => {
    const reinstated = [...lapsed, ...eventsOf([reinstatePolicy('2025-06-01', cny(121_282))], lapsed)];
    const policy = policyStateAfter(reinstated) as IssuedPolicy;
    expect(policy.status).toBe('IN_FORCE');
    expect(policy.premium.paidInstallments).toBe(2);
    expect(policy.lapse).toBeNull();
    givenPolicy(reinstated).when(payPremium(2, '2025-06-02')).thenThrows('INSTALLMENT_NOT_OPEN');
    expect(givenPolicy(reinstated).when(payPremium(3, '2026-03-01')).events()).toHaveLength(1);
  });

  it('on the deadline day covers every installment due by then', () => {
    givenPolicy(lapsed)
      .when(reinstatePolicy('2027-05-15', cny(360_000 + 13_003 + 7_003 + 1_003)))
      .then([
        {
          type: 'PolicyReinstated',
          data: {
            reinstatedOn: '2027-05-15',
            installmentsCovered: [2, 3, 4],
            premiums: cny(360_000),
            interest: cny(21_009),
            total: cny(381_009),
            healthDeclarationRef: 'HD-1',
          },
        },
      ]);
  });

  it('the day after the deadline → REINSTATEMENT_WINDOW_EXPIRED', () => {
    givenPolicy(lapsed)
      .when(reinstatePolicy('2027-05-16', cny(381_009)))
      .thenThrows('REINSTATEMENT_WINDOW_EXPIRED');
  });

  it('paying a different amount → ARREARS_MISMATCH stating the expected amount', () => {
    givenPolicy(lapsed)
      .when(reinstatePolicy('2025-06-01', cny(120_000)))
      .thenThrows('ARREARS_MISMATCH', /121282 CNY/);
  });

  it('without a health declaration → HEALTH_DECLARATION_REQUIRED', () => {
    givenPolicy(lapsed)
      .when(reinstatePolicy('2025-06-01', cny(121_282), { healthDeclarationRef: ' ' }))
      .thenThrows('HEALTH_DECLARATION_REQUIRED');
  });

  it('a policy in force → POLICY_NOT_LAPSED', () => {
    givenPolicy([issued])
      .when(reinstatePolicy('2025-06-01', cny(0)))
      .thenThrows('POLICY_NOT_LAPSED');
  });

  it('dated before the lapse → REINSTATEMENT_BEFORE_LAPSE', () => {
    givenPolicy(lapsed)
      .when(reinstatePolicy('2025-05-14', cny(121_282)))
      .thenThrows('REINSTATEMENT_BEFORE_LAPSE');
  });

  it('waived installments are not part of the arrears', () => {
    // installment 2 (due 2025-03-15) is unpaid; a waiver from installment 3 (2026-03-15) on
    const waived = [issued, ...eventsOf([waivePremium('2025-04-01')], [issued])];
    const lapsedWithWaiver = lapsedOn('2025-05-15', waived);
    // 2025-03-15 → 2026-06-01 = 443 days: 120,000 × 5 % × 443 / 365 = 7,282.19 → 7,282; installment 3 is waived
    givenPolicy(lapsedWithWaiver)
      .when(reinstatePolicy('2026-06-01', cny(127_282)))
      .then([
        {
          type: 'PolicyReinstated',
          data: {
            reinstatedOn: '2026-06-01',
            installmentsCovered: [2],
            premiums: cny(120_000),
            interest: cny(7_282),
            total: cny(127_282),
            healthDeclarationRef: 'HD-1',
          },
        },
      ]);
  });
});

describe('TerminatePolicy LAPSE_EXPIRED', () => {
  const lapsed = lapsedOn('2025-05-15');

  it('after the reinstatement deadline terminates the lapsed policy, refunding the cash value at the lapse (0 here)', () => {
    // Paid to 2025-03-15 (installment 2 unpaid): one policy year completed, CV_end(1) = 0 → nothing is owed back.
    givenPolicy(lapsed)
      .when(terminatePolicy('2027-05-16', 'LAPSE_EXPIRED'))
      .then([{ type: 'PolicyTerminated', data: { ...terminated('2027-05-16', 'LAPSE_EXPIRED'), refund: cny(0) } }]);
  });

  it('owes the cash value at the lapse date back as a payable due in 30 days (art. 37)', () => {
    // Installments 2 and 3 paid; installment 4 (due 2027-03-15) unpaid → lapse date 2027-05-15 (60 days' grace),
    // deadline 2029-05-15. Paid to 2027-03-15: three policy years, CV_end(3) = 10,000,000 × 6.5 % = 650,000.
    const paidThree = [issued, ...eventsOf([payPremium(2, '2025-03-15'), payPremium(3, '2026-03-15')], [issued])];
    givenPolicy(lapsedOn('2027-05-15', paidThree))
      .when(terminatePolicy('2029-05-16', 'LAPSE_EXPIRED'))
      .then([
        {
          type: 'PolicyTerminated',
          data: {
            ...terminated('2029-05-16', 'LAPSE_EXPIRED'),
            refund: cny(650_000),
            payable: {
              payableId: 'P-2024-0001-P1',
              kind: 'LAPSE_EXPIRED_REFUND',
              amount: cny(650_000),
              payee: { name: 'Li Wei', accountRef: 'ACC-1' },
              dueBy: '2029-06-15',
            },
          },
        },
      ]);
  });

  it('on the deadline day → REINSTATEMENT_WINDOW_OPEN', () => {
    givenPolicy(lapsed).when(terminatePolicy('2027-05-15', 'LAPSE_EXPIRED')).thenThrows('REINSTATEMENT_WINDOW_OPEN');
  });

  it('for a policy in force → POLICY_NOT_LAPSED', () => {
    givenPolicy([issued]).when(terminatePolicy('2027-05-16', 'LAPSE_EXPIRED')).thenThrows('POLICY_NOT_LAPSED');
  });
});
