/**
 * Premium-affecting changes on business dates (DESIGN 2.5, 2.7). The standard policy: effective 2024-03-15, ANNUAL
 * 120,000 for 10 years, sum assured 10,000,000, rider ADB (premium 0) to 2034-03-15; installment 1 paid at issue,
 * installment 2 due 2025-03-15.
 */
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { cancelScheduledChange, changeContract, cny, payPremium, policyIssued } from '../testing/policy-fixtures';
import { termsOn } from './contract-terms';
import { type ContractChange } from './contract-changes';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';
import { nextOpenInstallment } from './premium-installments';
import { scheduledInstallment, scheduledInstallments } from './premium-schedule';

const issued = policyIssued();

const toMonthly: ContractChange = {
  kind: 'PREMIUM_FREQUENCY',
  frequency: 'MONTHLY',
  modalPremium: cny(10_500),
  riderPremiums: [{ code: 'ADB', modalPremium: cny(0) }],
};
const halveSumAssured = (modalPremium: number): ContractChange => ({
  kind: 'SUM_ASSURED',
  sumAssured: cny(5_000_000),
  modalPremium: cny(modalPremium),
});

function after(given: PolicyEvent[], ...commands: Parameters<typeof eventsOf>[0]): PolicyEvent[] {
  return [...given, ...eventsOf(commands, given)];
}

function state(events: PolicyEvent[]): IssuedPolicy {
  return policyStateAfter(events) as IssuedPolicy;
}

describe('premium-affecting changes on business dates', () => {
  it('a sum-assured change after a frequency change bills the monthly premium, never the annual one', () => {
    // 2025-01-10: monthly from the 1st anniversary (2025-03-15) at 10,500 — scheduled.
    const monthly = after([issued], changeContract('2025-03-15', [toMonthly], '2025-01-10'));
    // 2025-03-20: installment 2 (the first monthly one, due 2025-03-15) is paid: 10,500.
    const paid = after(monthly, payPremium(2, '2025-03-20', { amount: cny(10_500) }));
    // Then the sum assured is halved from installment 3 (due 2025-04-15) with the MONTHLY premium 5,250.
    const halved = after(paid, changeContract('2025-04-15', [halveSumAssured(5_250)], '2025-03-20'));
    const policy = state(halved);
    expect(nextOpenInstallment(policy)).toEqual({ installmentNo: 3, dueDate: '2025-04-15', amount: cny(5_250) });
    // 1 annual installment + 9 years × 12 monthly = 109; every monthly one from #3 costs 5,250.
    const installments = scheduledInstallments(policy.premium.schedule);
    expect(installments).toHaveLength(109);
    expect(installments.slice(2).every((installment) => installment.amount.amount === 5_250)).toBe(true);
    expect(installments[108]).toEqual({ installmentNo: 109, dueDate: '2034-02-15', amount: cny(5_250) });
    expect(termsOn(policy.terms, '2025-04-14').sumAssured).toEqual(cny(10_000_000));
    expect(termsOn(policy.terms, '2025-04-15').sumAssured).toEqual(cny(5_000_000));
  });

  it('a frequency change after a sum-assured reduction keeps the reduction', () => {
    // The reduction takes effect with installment 2 (annual 60,000), the frequency change a year later at 5,250.
    const reduced = after([issued], changeContract('2025-03-15', [halveSumAssured(60_000)], '2025-03-01'));
    const paid = after(reduced, payPremium(2, '2025-03-15', { amount: cny(60_000) }));
    const monthly = after(
      paid,
      changeContract('2026-03-15', [{ ...toMonthly, modalPremium: cny(5_250) }], '2025-06-01'),
    );
    const policy = state(monthly);
    expect(scheduledInstallment(policy.premium.schedule, 3)).toEqual({
      installmentNo: 3,
      dueDate: '2026-03-15',
      amount: cny(5_250),
    });
    expect(termsOn(policy.terms, '2026-03-15').sumAssured).toEqual(cny(5_000_000));
    expect(policy.sumAssured).toEqual(cny(5_000_000));
  });

  it('while one premium-affecting change is scheduled, another → SCHEDULED_CHANGE_PENDING', () => {
    const monthly = after([issued], changeContract('2025-03-15', [toMonthly], '2025-01-10'));
    givenPolicy(monthly)
      .when(changeContract('2025-03-15', [halveSumAssured(5_250)], '2025-01-11'))
      .thenThrows('SCHEDULED_CHANGE_PENDING', /P-2024-0001-E1 \(effective 2025-03-15\)/);
    // A change that does not affect the premium is still allowed.
    expect(
      givenPolicy(monthly)
        .when(changeContract('2025-01-11', [{ kind: 'CONTACT', phone: '+86 139 0000 0009' }], '2025-01-11'))
        .events(),
    ).toHaveLength(1);
  });

  it('CancelScheduledChange withdraws the scheduled endorsement: the terms and premiums are as before', () => {
    const monthly = after([issued], changeContract('2025-03-15', [toMonthly], '2025-01-10'));
    givenPolicy(monthly)
      .when(cancelScheduledChange('P-2024-0001-E1', '2025-02-01'))
      .then([
        {
          type: 'ScheduledChangeCancelled',
          data: { endorsementNo: 'P-2024-0001-E1', cancelledOn: '2025-02-01', withdrawnPayables: [] },
        },
      ]);
    const cancelled = after(monthly, cancelScheduledChange('P-2024-0001-E1', '2025-02-01'));
    const policy = state(cancelled);
    expect(nextOpenInstallment(policy)).toEqual({ installmentNo: 2, dueDate: '2025-03-15', amount: cny(120_000) });
    expect(policy.premium.frequency).toBe('ANNUAL');
    // The endorsement number stays used: the next change is E2, and it is no longer blocked.
    const [next] = givenPolicy(cancelled)
      .when(changeContract('2025-03-15', [halveSumAssured(60_000)], '2025-02-02'))
      .events();
    expect(next!.data).toMatchObject({ endorsementNo: 'P-2024-0001-E2' });
  });

  it('cancelling an endorsement already in effect, unknown, or not premium-affecting → NO_SCHEDULED_CHANGE', () => {
    const monthly = after([issued], changeContract('2025-03-15', [toMonthly], '2025-01-10'));
    givenPolicy(monthly).when(cancelScheduledChange('P-2024-0001-E1', '2025-03-15')).thenThrows('NO_SCHEDULED_CHANGE');
    givenPolicy(monthly).when(cancelScheduledChange('P-2024-0001-E9', '2025-02-01')).thenThrows('NO_SCHEDULED_CHANGE');
    const contact = after([issued], changeContract('2025-06-01', [{ kind: 'CONTACT', phone: '1' }], '2025-01-10'));
    givenPolicy(contact).when(cancelScheduledChange('P-2024-0001-E1', '2025-02-01')).thenThrows('NO_SCHEDULED_CHANGE');
  });

  it('once an installment at the new premium is paid in advance, the change cannot be withdrawn → SCHEDULED_CHANGE_PREPAID', () => {
    // Scheduled for installment 3 (2026-03-15); installments 2 (120,000) and 3 (at the new 60,000) paid in advance.
    const reduced = after([issued], changeContract('2026-03-15', [halveSumAssured(60_000)], '2025-01-10'));
    const prepaid = after(
      reduced,
      payPremium(2, '2025-02-01', { amount: cny(120_000) }),
      payPremium(3, '2025-02-02', { amount: cny(60_000) }),
    );
    givenPolicy(prepaid)
      .when(cancelScheduledChange('P-2024-0001-E1', '2025-02-03'))
      .thenThrows('SCHEDULED_CHANGE_PREPAID', /Installments 3 due from 2026-03-15/);
  });

  it('a backdated change that would reprice an overdue installment → EFFECTIVE_DATE_INVALID', () => {
    // 2025-04-01: installment 2 (due 2025-03-15, 120,000) is overdue, in grace. It keeps its price.
    givenPolicy([issued])
      .when(changeContract('2025-03-15', [halveSumAssured(60_000)], '2025-04-01'))
      .thenThrows('EFFECTIVE_DATE_INVALID', /overdue/);
    const reduced = after([issued], changeContract('2026-03-15', [halveSumAssured(60_000)], '2025-04-01'));
    const policy = state(reduced);
    expect(scheduledInstallment(policy.premium.schedule, 2)!.amount).toEqual(cny(120_000));
    expect(scheduledInstallment(policy.premium.schedule, 3)!.amount).toEqual(cny(60_000));
  });

  it('not on an installment due date, before the earliest unpaid installment, or after maturity → EFFECTIVE_DATE_INVALID', () => {
    givenPolicy([issued])
      .when(changeContract('2025-06-01', [halveSumAssured(60_000)], '2025-01-10'))
      .thenThrows('EFFECTIVE_DATE_INVALID', /not one/);
    const paidTwo = after([issued], payPremium(2, '2025-03-01'));
    givenPolicy(paidTwo)
      .when(changeContract('2025-03-15', [halveSumAssured(60_000)], '2025-03-01'))
      .thenThrows('EFFECTIVE_DATE_INVALID', /earliest unpaid/);
    givenPolicy([issued])
      .when(changeContract('2044-03-16', [halveSumAssured(60_000)], '2025-01-10'))
      .thenThrows('EFFECTIVE_DATE_INVALID', /after maturity/);
  });

  it('a scheduled endorsement mixing premium-affecting and other changes → EFFECTIVE_DATE_INVALID', () => {
    givenPolicy([issued])
      .when(changeContract('2025-03-15', [halveSumAssured(60_000), { kind: 'CONTACT', phone: '1' }], '2025-01-10'))
      .thenThrows('EFFECTIVE_DATE_INVALID', /only premium-affecting/);
  });

  it('a rider added on a due date is billed from that installment until its end date', () => {
    // CI 5,000 a year from installment 3 (2026-03-15) to 2029-03-15 (not billed on its end date):
    // installments 3–5 cost 125,000, installment 6 (2029-03-15) 120,000 again.
    const rider = { code: 'CI', sumAssured: cny(1_000_000), modalPremium: cny(5_000), endDate: '2029-03-15' };
    const paidTwo = after([issued], payPremium(2, '2025-03-01'));
    const added = after(paidTwo, changeContract('2026-03-15', [{ kind: 'RIDER_ADDED', rider }], '2025-12-01'));
    const amounts = scheduledInstallments(state(added).premium.schedule).map(
      (installment) => installment.amount.amount,
    );
    expect(amounts).toEqual([120_000, 120_000, 125_000, 125_000, 125_000, 120_000, 120_000, 120_000, 120_000, 120_000]);
  });

  it('riders at issue are billed with installment 1', () => {
    const withRider = policyIssued({
      riders: [{ code: 'WOP', sumAssured: cny(0), modalPremium: cny(3_000), endDate: '2034-03-15' }],
    });
    expect(withRider.data.firstInstallment.amount).toEqual(cny(123_000));
    expect(nextOpenInstallment(state([withRider]))!.amount).toEqual(cny(123_000));
  });
});
