import { US_RULE_PROFILE } from '../rule-profiles';
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  cny,
  lapsePolicy,
  policyIssued,
  reinstatePolicy,
  sendReminder,
  terminatePolicy,
} from '../testing/policy-fixtures';
import { reinstatementQuote } from './reinstatement-quote';

const issued = policyIssued({}, US_RULE_PROFILE); // installment 2 due 2025-03-15

describe('US rule profile', () => {
  it('an unpaid installment lapses the day after the 31-day grace period', () => {
    givenPolicy([issued])
      .when(lapsePolicy('2025-04-15'))
      .thenThrows('GRACE_PERIOD_NOT_OVER', /from 2025-04-16/);
    givenPolicy([issued])
      .when(lapsePolicy('2025-04-16'))
      .then([
        {
          type: 'PolicyLapsed',
          data: {
            lapsedOn: '2025-04-16',
            installmentNo: 2,
            dueDate: '2025-03-15',
            reinstatementDeadline: '2028-04-16',
            cause: 'PREMIUM_UNPAID',
          },
        },
      ]);
  });

  it('has no notice rule: an overdue notice does not bring the lapse forward', () => {
    const noticed = [issued, ...eventsOf([sendReminder(2, 'OVERDUE_NOTICE', '2025-03-16')], [issued])];
    givenPolicy(noticed).when(lapsePolicy('2025-04-15')).thenThrows('GRACE_PERIOD_NOT_OVER');
  });

  describe('with the 3-year reinstatement window', () => {
    const lapsed = [issued, ...eventsOf([lapsePolicy('2025-04-16')], [issued])];

    it('reinstates on the third anniversary of the lapse, at 6 % interest', () => {
      const quote = reinstatementQuote(policyStateAfter(lapsed), '2028-04-16');
      expect(quote.installments.map((line) => line.installmentNo)).toEqual([2, 3, 4, 5]);
      // 120,000 × 6 % × 301 / 365 = 5,937.53 → 5,938 (installment 2 on 2026-01-10)
      expect(reinstatementQuote(policyStateAfter(lapsed), '2026-01-10').interest).toEqual(cny(5_938));
      expect(givenPolicy(lapsed).when(reinstatePolicy('2028-04-16', quote.total)).events()).toHaveLength(1);
    });

    it('the day after → REINSTATEMENT_WINDOW_EXPIRED; termination for LAPSE_EXPIRED becomes possible', () => {
      givenPolicy(lapsed)
        .when(reinstatePolicy('2028-04-17', cny(1)))
        .thenThrows('REINSTATEMENT_WINDOW_EXPIRED');
      givenPolicy(lapsed).when(terminatePolicy('2028-04-16', 'LAPSE_EXPIRED')).thenThrows('REINSTATEMENT_WINDOW_OPEN');
      expect(givenPolicy(lapsed).when(terminatePolicy('2028-04-17', 'LAPSE_EXPIRED')).events()).toHaveLength(1);
    });
  });
});
