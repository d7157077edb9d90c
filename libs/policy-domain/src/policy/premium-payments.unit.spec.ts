import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import { cny, lapsePolicy, payPremium, policyIssued, waivePremium } from '../testing/policy-fixtures';
import { type IssuedPolicy } from './policy-state';
import { premiumInstallments } from './premium-installments';

const issued = policyIssued();

describe('RecordPremiumPayment', () => {
  it('settles the next unpaid installment for exactly the modal premium', () => {
    givenPolicy([issued])
      .when(payPremium(2, '2025-03-10', { receiptNo: 'R-100' }))
      .then([
        {
          type: 'PremiumPaid',
          data: {
            installmentNo: 2,
            dueDate: '2025-03-15',
            amount: cny(120_000),
            paidOn: '2025-03-10',
            receiptNo: 'R-100',
            method: 'BANK_DEBIT',
          },
        },
      ]);
  });

  it('records the payment method given, defaulting to the policy’s', () => {
    const [event] = givenPolicy([issued])
      .when(payPremium(2, '2025-03-10', { method: 'WECHAT_PAY' }))
      .events();
    expect(event!.data).toMatchObject({ method: 'WECHAT_PAY' });
  });

  it('installment 1 counts as paid at issue: paying it again → INSTALLMENT_NOT_OPEN', () => {
    givenPolicy([issued]).when(payPremium(1, '2024-03-15')).thenThrows('INSTALLMENT_NOT_OPEN');
  });

  it('skipping an unpaid installment → INSTALLMENT_OUT_OF_ORDER', () => {
    givenPolicy([issued])
      .when(payPremium(3, '2025-03-10'))
      .thenThrows('INSTALLMENT_OUT_OF_ORDER', /next installment to pay is 2/);
  });

  it('a different amount → PREMIUM_AMOUNT_MISMATCH', () => {
    givenPolicy([issued])
      .when(payPremium(2, '2025-03-10', { amount: cny(119_999) }))
      .thenThrows('PREMIUM_AMOUNT_MISMATCH');
  });

  it('a receipt number already used on the policy → DUPLICATE_RECEIPT', () => {
    const paid = eventsOf([payPremium(2, '2025-03-10', { receiptNo: 'R-100' })], [issued]);
    givenPolicy([issued, ...paid])
      .when(payPremium(3, '2026-03-10', { receiptNo: 'R-100' }))
      .thenThrows('DUPLICATE_RECEIPT');
  });

  it('on a lapsed policy → POLICY_NOT_IN_FORCE', () => {
    const lapsed = eventsOf([lapsePolicy('2025-05-15')], [issued]);
    givenPolicy([issued, ...lapsed])
      .when(payPremium(2, '2025-05-20'))
      .thenThrows('POLICY_NOT_IN_FORCE');
  });

  it('a waived installment → INSTALLMENT_NOT_OPEN', () => {
    const waived = eventsOf([waivePremium('2024-07-01')], [issued]);
    givenPolicy([issued, ...waived])
      .when(payPremium(2, '2025-03-10'))
      .thenThrows('INSTALLMENT_NOT_OPEN');
  });

  it('after the last installment the policy is paid up: there is nothing left to pay', () => {
    const payments = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => payPremium(n, `${2023 + n}-03-01`));
    const events = [issued, ...eventsOf(payments, [issued])];
    const policy = policyStateAfter(events) as IssuedPolicy;
    expect(premiumInstallments(policy).every((installment) => installment.status === 'PAID')).toBe(true);
    givenPolicy(events).when(payPremium(11, '2034-03-01')).thenThrows('INSTALLMENT_NOT_OPEN');
  });

  it('a single-premium policy is paid up at issue', () => {
    const single = policyIssued({ premium: { ...issued.data.premium, frequency: 'SINGLE' } });
    givenPolicy([single]).when(payPremium(2, '2025-03-10')).thenThrows('INSTALLMENT_NOT_OPEN');
  });
});
