/**
 * Money the insurer owes (DESIGN 2.9): free look, surrender, partial surrender, the refunds of 2.5 as payables, and
 * RecordPayout. The worked example of the products issue: SA 10,000,000, annual premium 120,000 from 2024-03-01, the
 * sample endowment's table [0, 3 %, 6.5 %, 9 %, 12 %] of the sum assured at the end of years 1–5.
 */
import { publishedProduct } from '../testing/product-fixtures';
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  cancelInFreeLook,
  cancelScheduledChange,
  changeContract,
  cny,
  lapsePolicy,
  payPremium,
  paySurvivalBenefit,
  policyIssued,
  recordPayout,
  surrenderPolicy,
  waivePremium,
} from '../testing/policy-fixtures';
import { US_RULE_PROFILE } from '../rule-profiles';
import { type PolicyCommand } from './policy-commands';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';

const PAYEE = { name: 'Li Wei', accountRef: 'ACC-6222-0001' };

/** The worked example's policy: no riders, no survival benefits, effective 2024-03-01. */
const issued = policyIssued({
  effectiveDate: '2024-03-01',
  maturityDate: '2044-03-01',
  riders: [],
  survivalBenefits: [],
});

function after(history: readonly PolicyEvent[], ...commands: PolicyCommand[]): PolicyEvent[] {
  return [...history, ...eventsOf(commands, history)];
}

const delivery = (deliveredOn: string): PolicyCommand => ({
  type: 'RecordPolicyDelivery',
  data: { deliveredOn, receiptRef: 'DLV-1' },
  context: { today: deliveredOn },
});

/** Installments 2 (2025-03-01) and 3 (2026-03-01) paid on their due dates. */
const paidThrough3 = after([issued], payPremium(2, '2025-03-01'), payPremium(3, '2026-03-01'));

describe('CancelInFreeLook', () => {
  const delivered = after([issued], delivery('2024-03-05'));

  it('the worked example: the day after delivery, 120,000 − the cost deduction of 1,000 = 119,000, due in 30 days', () => {
    givenPolicy(delivered)
      .when(cancelInFreeLook('2024-03-06', { payee: PAYEE }))
      .then([
        {
          type: 'PolicyCancelledInFreeLook',
          data: {
            requestedOn: '2024-03-06',
            // 15 days from delivery on 2024-03-05.
            freeLookEnds: '2024-03-20',
            premiumsPaid: cny(120_000),
            costDeduction: cny(1_000),
            refund: cny(119_000),
            payable: {
              payableId: 'P-2024-0001-P1',
              kind: 'FREE_LOOK_REFUND',
              amount: cny(119_000),
              payee: PAYEE,
              dueBy: '2024-04-05',
            },
          },
        },
      ]);
    const policy = policyStateAfter(after(delivered, cancelInFreeLook('2024-03-06'))) as IssuedPolicy;
    expect(policy).toMatchObject({ status: 'TERMINATED', termination: { reason: 'FREE_LOOK', refund: cny(119_000) } });
  });

  it('on the last day of the free look is accepted; the day after → FREE_LOOK_EXPIRED', () => {
    expect(givenPolicy(delivered).when(cancelInFreeLook('2024-03-20')).events()).toHaveLength(1);
    givenPolicy(delivered)
      .when(cancelInFreeLook('2024-03-21'))
      .thenThrows('FREE_LOOK_EXPIRED', /2024-03-20/);
  });

  it('before delivery the free look has not started: cancellation is allowed, with no end date', () => {
    const [event] = givenPolicy([issued]).when(cancelInFreeLook('2024-06-01')).events();
    expect(event!.data).toMatchObject({ freeLookEnds: null, refund: cny(119_000) });
  });

  it('a product with a longer free look and no deduction: its terms apply', () => {
    const generous = publishedProduct('ENDOW-20', 'CNY', 'CN', {
      freeLook: { days: 20, costDeduction: cny(0) },
    });
    const [event] = givenPolicy(delivered)
      .when(cancelInFreeLook('2024-03-25', { product: generous }))
      .events();
    expect(event!.data).toMatchObject({ freeLookEnds: '2024-03-25', costDeduction: cny(0), refund: cny(120_000) });
  });

  it('US: 10 days, the full premium back', () => {
    const us = policyIssued({ riders: [], survivalBenefits: [] }, US_RULE_PROFILE);
    const usDelivered = after([us], delivery('2024-03-20'));
    const usProduct = publishedProduct('ENDOW-20', 'CNY', 'US');
    const [event] = givenPolicy(usDelivered)
      .when(cancelInFreeLook('2024-03-30', { product: usProduct }))
      .events();
    expect(event!.data).toMatchObject({ freeLookEnds: '2024-03-30', costDeduction: cny(0), refund: cny(120_000) });
    givenPolicy(usDelivered)
      .when(cancelInFreeLook('2024-03-31', { product: usProduct }))
      .thenThrows('FREE_LOOK_EXPIRED');
  });

  it('a policy sold before the catalogue: the law’s 15 days and no deduction', () => {
    const legacy = { ...issued, data: { ...issued.data, productVersion: null } };
    const [event] = givenPolicy(after([legacy], delivery('2024-03-05')))
      .when(cancelInFreeLook('2024-03-20', { product: null }))
      .events();
    expect(event!.data).toMatchObject({ freeLookEnds: '2024-03-20', refund: cny(120_000) });
  });

  it('after money left or is owed through the contract → FREE_LOOK_NOT_ALLOWED', () => {
    // A survival benefit paid is money out.
    const withBenefit = policyIssued({ riders: [] });
    const paidUp = after(
      [withBenefit],
      ...[2, 3, 4, 5, 6].map((n) => payPremium(n, `${2023 + n}-03-15`)),
      paySurvivalBenefit(1, '2029-03-15'),
    );
    givenPolicy(paidUp)
      .when(cancelInFreeLook('2029-04-01'))
      .thenThrows('FREE_LOOK_NOT_ALLOWED', /benefit period 1/);
    // A waiver of a prepaid installment owes its premium back (P1): the contract has paid out.
    const owing = after(paidThrough3, payPremium(4, '2026-08-20'), waivePremium('2026-09-10', { today: '2026-09-15' }));
    givenPolicy(owing)
      .when(cancelInFreeLook('2026-09-20'))
      .thenThrows('FREE_LOOK_NOT_ALLOWED', /P-2024-0001-P1/);
  });

  it('on a lapsed policy → POLICY_NOT_IN_FORCE; without a payee → PAYEE_REQUIRED', () => {
    givenPolicy(after([issued], lapsePolicy('2025-05-01')))
      .when(cancelInFreeLook('2025-05-02'))
      .thenThrows('POLICY_NOT_IN_FORCE');
    givenPolicy(delivered)
      .when(cancelInFreeLook('2024-03-06', { payee: { name: ' ', accountRef: 'ACC-1' } }))
      .thenThrows('PAYEE_REQUIRED');
  });
});

describe('SurrenderPolicy', () => {
  it('the worked example: on 2026-09-01, CV 476,438 paid by 2026-10-01', () => {
    // Paid to 2027-03-01: CV = 300,000 + round_half_up(350,000 × 184 / 365) = 476,438 (cash-value.unit.spec.ts).
    givenPolicy(paidThrough3)
      .when(surrenderPolicy('2026-09-01', { payee: PAYEE }))
      .then([
        {
          type: 'PolicySurrendered',
          data: {
            requestedOn: '2026-09-01',
            cashValue: cny(476_438),
            loanDebt: cny(0),
            prepaidPremium: cny(0),
            payout: cny(476_438),
            payable: {
              payableId: 'P-2024-0001-P1',
              kind: 'SURRENDER',
              amount: cny(476_438),
              payee: PAYEE,
              dueBy: '2026-10-01',
            },
          },
        },
      ]);
  });

  it('installment 3 unpaid: valued on the paid-to date 2026-03-01 → 300,000', () => {
    const paidThrough2 = after([issued], payPremium(2, '2025-03-01'));
    const [event] = givenPolicy(paidThrough2).when(surrenderPolicy('2026-04-01')).events();
    expect(event!.data).toMatchObject({ cashValue: cny(300_000), payout: cny(300_000) });
  });

  it('premium paid for an installment due later is owed back with the cash value', () => {
    // Installment 4 (due 2027-03-01) paid early on 2026-08-20: 476,438 + 120,000 = 596,438.
    const prepaid = after(paidThrough3, payPremium(4, '2026-08-20'));
    const [event] = givenPolicy(prepaid).when(surrenderPolicy('2026-09-01')).events();
    expect(event!.data).toMatchObject({
      cashValue: cny(476_438),
      prepaidPremium: cny(120_000),
      payout: cny(596_438),
    });
  });

  it('a lapsed policy surrenders for the value at its paid-to date, and closes TERMINATED(SURRENDER)', () => {
    // Installment 4 (due 2027-03-01) unpaid; lapsed 2027-05-01: CV = CV_end(3) = 650,000.
    const lapsed = after(paidThrough3, lapsePolicy('2027-05-01'));
    const [event] = givenPolicy(lapsed).when(surrenderPolicy('2027-06-01')).events();
    expect(event!.data).toMatchObject({ cashValue: cny(650_000), payout: cny(650_000) });
    const closed = after(lapsed, surrenderPolicy('2027-06-01'));
    expect(policyStateAfter(closed)).toMatchObject({ status: 'TERMINATED', termination: { reason: 'SURRENDER' } });
    givenPolicy(closed).when(surrenderPolicy('2027-06-02')).thenThrows('POLICY_CLOSED');
  });

  it('a product without cash value surrenders for its prepaid premium only', () => {
    const term = publishedProduct('ENDOW-20', 'CNY', 'CN', { kind: 'TERM', cashValuePpm: [], loan: null });
    const prepaid = after(paidThrough3, payPremium(4, '2026-08-20'));
    const [event] = givenPolicy(prepaid)
      .when(surrenderPolicy('2026-09-01', { product: term }))
      .events();
    expect(event!.data).toMatchObject({ cashValue: cny(0), prepaidPremium: cny(120_000), payout: cny(120_000) });
    const [nothing] = givenPolicy(paidThrough3)
      .when(surrenderPolicy('2026-09-01', { product: term }))
      .events();
    expect(nothing!.data).toMatchObject({ payout: cny(0), payable: null });
  });

  it('a policy sold before the catalogue → NO_CASH_VALUE', () => {
    const legacy = { ...issued, data: { ...issued.data, productVersion: null } };
    givenPolicy([legacy])
      .when(surrenderPolicy('2026-09-01', { product: null }))
      .thenThrows('NO_CASH_VALUE');
  });

  it('dated before the latest transaction → DATE_BEFORE_LAST_TRANSACTION; in the future → DATE_IN_FUTURE', () => {
    givenPolicy(paidThrough3).when(surrenderPolicy('2026-02-01')).thenThrows('DATE_BEFORE_LAST_TRANSACTION');
    givenPolicy(paidThrough3)
      .when(surrenderPolicy('2026-09-02', { today: '2026-09-01' }))
      .thenThrows('DATE_IN_FUTURE');
  });
});

describe('partial surrender (a sum-assured decrease)', () => {
  // 10,000,000 → 6,000,000 on installment 4's due date 2027-03-01, decided 2026-09-01 (scheduled).
  const decrease = changeContract(
    '2027-03-01',
    [{ kind: 'SUM_ASSURED', sumAssured: cny(6_000_000), modalPremium: cny(72_000) }],
    '2026-09-01',
  );

  it('pays CV(D) × (old − new) / old: 650,000 × 4/10 = 260,000, due 30 days after the effective date', () => {
    // Paid to 2027-03-01 = D: three years completed, CV_end(3) = 650,000.
    const [event] = givenPolicy(paidThrough3).when(decrease).events();
    expect(event).toMatchObject({
      type: 'ContractChanged',
      data: {
        payables: [
          {
            payableId: 'P-2024-0001-P1',
            kind: 'PARTIAL_SURRENDER',
            amount: cny(260_000),
            payee: { name: 'Li Wei', accountRef: 'ACC-1' },
            dueBy: '2027-03-31',
          },
        ],
      },
    });
  });

  it('an increase, or a decrease with nothing of value yet, creates no payable', () => {
    const increase = changeContract(
      '2027-03-01',
      [{ kind: 'SUM_ASSURED', sumAssured: cny(12_000_000), modalPremium: cny(144_000), underwritingRef: 'UW-1' }],
      '2026-09-01',
    );
    expect(givenPolicy(paidThrough3).when(increase).events()[0]!.data).toMatchObject({ payables: [] });
    // On 2025-03-01, one year completed: CV_end(1) = 0.
    const early = changeContract(
      '2025-03-01',
      [{ kind: 'SUM_ASSURED', sumAssured: cny(6_000_000), modalPremium: cny(72_000) }],
      '2025-01-10',
    );
    expect(givenPolicy([issued]).when(early).events()[0]!.data).toMatchObject({ payables: [] });
  });

  it('cancelling the scheduled change withdraws its payable: paying it then → PAYABLE_WITHDRAWN', () => {
    const scheduled = after(paidThrough3, decrease);
    givenPolicy(scheduled)
      .when(cancelScheduledChange('P-2024-0001-E1', '2026-09-02'))
      .then([
        {
          type: 'ScheduledChangeCancelled',
          data: {
            endorsementNo: 'P-2024-0001-E1',
            cancelledOn: '2026-09-02',
            withdrawnPayables: ['P-2024-0001-P1'],
          },
        },
      ]);
    const cancelled = after(scheduled, cancelScheduledChange('P-2024-0001-E1', '2026-09-02'));
    givenPolicy(cancelled).when(recordPayout('P-2024-0001-P1', '2027-03-02')).thenThrows('PAYABLE_WITHDRAWN');
  });
});

describe('RecordPayout', () => {
  const surrendered = after(paidThrough3, surrenderPolicy('2026-09-01', { payee: PAYEE }));

  it('pays a payable once, also on the closed policy', () => {
    givenPolicy(surrendered)
      .when(recordPayout('P-2024-0001-P1', '2026-09-20', { paymentRef: 'TRF-88' }))
      .then([
        {
          type: 'PayoutMade',
          data: {
            payableId: 'P-2024-0001-P1',
            kind: 'SURRENDER',
            amount: cny(476_438),
            dueBy: '2026-10-01',
            paidOn: '2026-09-20',
            paymentRef: 'TRF-88',
          },
        },
      ]);
    const paid = after(surrendered, recordPayout('P-2024-0001-P1', '2026-09-20'));
    givenPolicy(paid).when(recordPayout('P-2024-0001-P1', '2026-09-21')).thenThrows('PAYABLE_ALREADY_PAID');
  });

  it('late payment is recorded too (the deadline is reported, not enforced on the fact)', () => {
    const [event] = givenPolicy(surrendered).when(recordPayout('P-2024-0001-P1', '2026-11-02')).events();
    expect(event!.data).toMatchObject({ paidOn: '2026-11-02', dueBy: '2026-10-01' });
  });

  it('refuses an unknown payable, a date before it was owed, a blank reference', () => {
    givenPolicy(surrendered).when(recordPayout('P-2024-0001-P2', '2026-09-20')).thenThrows('PAYABLE_NOT_FOUND');
    givenPolicy(surrendered).when(recordPayout('P-2024-0001-P1', '2026-08-31')).thenThrows('PAYOUT_BEFORE_PAYABLE');
    givenPolicy(surrendered)
      .when(recordPayout('P-2024-0001-P1', '2026-09-20', { paymentRef: '  ' }))
      .thenThrows('PAYMENT_REF_REQUIRED');
  });
});

describe('refunds are payables', () => {
  it('a waiver of prepaid installments owes their premium, due 30 days after the waiver is granted', () => {
    // Installment 4 (due 2027-03-01) paid early; the insured event on 2026-09-10 waives it; granted 2026-09-15.
    const prepaid = after(paidThrough3, payPremium(4, '2026-08-20'));
    const [event] = givenPolicy(prepaid)
      .when(waivePremium('2026-09-10', { today: '2026-09-15' }))
      .events();
    expect(event!.data).toMatchObject({
      refund: cny(120_000),
      payable: { payableId: 'P-2024-0001-P1', kind: 'WAIVER_REFUND', amount: cny(120_000), dueBy: '2026-10-15' },
    });
  });

  it('numbers payables across events (P1, P2, …); a waived prepaid installment is not refunded twice', () => {
    const prepaid = after(paidThrough3, payPremium(4, '2026-08-20'));
    const waived = after(prepaid, waivePremium('2026-09-10', { today: '2026-09-15' }));
    // On 2026-09-20: 300,000 + round_half_up(350,000 × 203 / 365 = 194,657.53…) = 494,658; installment 4's premium
    // is the waiver's P1 already, so nothing more is prepaid.
    const [event] = givenPolicy(waived).when(surrenderPolicy('2026-09-20')).events();
    expect(event!.data).toMatchObject({
      cashValue: cny(494_658),
      prepaidPremium: cny(0),
      payable: { payableId: 'P-2024-0001-P2', kind: 'SURRENDER', amount: cny(494_658) },
    });
  });
});
