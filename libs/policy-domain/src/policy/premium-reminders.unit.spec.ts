import { eventsOf, givenPolicy } from '../testing/decider-specification';
import {
  cny,
  lapsePolicy,
  payPremium,
  policyIssued,
  recordDelivery,
  sendReminder,
  waivePremium,
} from '../testing/policy-fixtures';

const issued = policyIssued();

describe('SendPremiumReminder', () => {
  it('records a pre-due reminder for an open installment with reminder id R1', () => {
    givenPolicy([issued])
      .when(sendReminder(2, 'PRE_DUE', '2025-02-13', { channel: 'SMS' }))
      .then([
        {
          type: 'PremiumReminderSent',
          data: {
            reminderId: 'P-2024-0001-R1',
            installmentNo: 2,
            dueDate: '2025-03-15',
            amount: cny(120_000),
            channel: 'SMS',
            kind: 'PRE_DUE',
            sentOn: '2025-02-13',
          },
        },
      ]);
  });

  it('numbers reminders in the order they were sent: the third is R3', () => {
    const sent = eventsOf(
      [sendReminder(2, 'PRE_DUE', '2025-02-13'), sendReminder(2, 'PRE_DUE', '2025-03-08')],
      [issued],
    );
    const [third] = givenPolicy([issued, ...sent])
      .when(sendReminder(2, 'OVERDUE_NOTICE', '2025-03-20'))
      .events();
    expect(third!.data).toMatchObject({ reminderId: 'P-2024-0001-R3', kind: 'OVERDUE_NOTICE' });
  });

  it('an overdue notice on or before the due date → INSTALLMENT_NOT_OVERDUE', () => {
    givenPolicy([issued])
      .when(sendReminder(2, 'OVERDUE_NOTICE', '2025-03-15'))
      .thenThrows('INSTALLMENT_NOT_OVERDUE');
  });

  it('for a paid installment → INSTALLMENT_NOT_OPEN', () => {
    givenPolicy([issued])
      .when(sendReminder(1, 'PRE_DUE', '2024-03-15'))
      .thenThrows('INSTALLMENT_NOT_OPEN');
  });

  it('for an installment beyond the schedule → INSTALLMENT_NOT_OPEN', () => {
    givenPolicy([issued])
      .when(sendReminder(11, 'PRE_DUE', '2025-03-01'))
      .thenThrows('INSTALLMENT_NOT_OPEN');
  });

  it('for a waived installment → INSTALLMENT_NOT_OPEN (waived installments get no reminders)', () => {
    const waived = eventsOf([waivePremium('2024-07-01')], [issued]);
    givenPolicy([issued, ...waived])
      .when(sendReminder(2, 'PRE_DUE', '2025-02-13'))
      .thenThrows('INSTALLMENT_NOT_OPEN');
  });

  it('on a lapsed policy → POLICY_NOT_IN_FORCE', () => {
    const lapsed = eventsOf([lapsePolicy('2025-05-15')], [issued]);
    givenPolicy([issued, ...lapsed])
      .when(sendReminder(3, 'PRE_DUE', '2026-02-13'))
      .thenThrows('POLICY_NOT_IN_FORCE');
  });

  it('a reminder for the next installment can be sent once the previous one is paid', () => {
    const paid = eventsOf([payPremium(2, '2025-03-01')], [issued]);
    const [event] = givenPolicy([issued, ...paid])
      .when(sendReminder(3, 'PRE_DUE', '2026-02-13'))
      .events();
    expect(event!.data).toMatchObject({ installmentNo: 3, dueDate: '2026-03-15' });
  });
});

describe('RecordReminderDelivery', () => {
  const sent = eventsOf([sendReminder(2, 'OVERDUE_NOTICE', '2025-03-20')], [issued]);

  it('records the delivery outcome of a sent reminder', () => {
    givenPolicy([issued, ...sent])
      .when(recordDelivery('P-2024-0001-R1', 'RETURNED', '2025-03-27'))
      .then([
        {
          type: 'PremiumReminderDeliveryRecorded',
          data: { reminderId: 'P-2024-0001-R1', outcome: 'RETURNED', recordedOn: '2025-03-27' },
        },
      ]);
  });

  it('for a reminder that was never sent → 404 REMINDER_NOT_FOUND', () => {
    const error = givenPolicy([issued, ...sent])
      .when(recordDelivery('P-2024-0001-R2', 'DELIVERED', '2025-03-27'))
      .thenThrows('REMINDER_NOT_FOUND');
    expect(error.kind).toBe('not_found');
  });

  it('a second outcome for the same reminder → REMINDER_DELIVERY_ALREADY_RECORDED', () => {
    const delivered = eventsOf([recordDelivery('P-2024-0001-R1', 'DELIVERED', '2025-03-22')], [issued, ...sent]);
    givenPolicy([issued, ...sent, ...delivered])
      .when(recordDelivery('P-2024-0001-R1', 'RETURNED', '2025-03-27'))
      .thenThrows('REMINDER_DELIVERY_ALREADY_RECORDED');
  });
});
