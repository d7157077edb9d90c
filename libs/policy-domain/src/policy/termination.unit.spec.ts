/**
 * TerminatePolicy (DESIGN 2.5): EXPIRY at the end of a term without a maturity benefit, the insurer's rescission
 * (art. 16, 32) with its limits and refunds, and the dates a termination may carry. The standard policy: effective
 * 2024-03-15, ANNUAL 120,000, CN rules, matures 2044-03-15 with a MATURITY benefit.
 */
import { CN_RULE_PROFILE, US_RULE_PROFILE } from '../rule-profiles';
import { eventsOf, givenPolicy } from '../testing/decider-specification';
import { cny, payPremium, policyIssued, sendReminder, terminatePolicy, terminated } from '../testing/policy-fixtures';

const issued = policyIssued();
/** Installment 2 paid: premiums paid 120,000 (at issue) + 120,000 = 240,000. */
const paidTwo = [issued, ...eventsOf([payPremium(2, '2025-03-01')], [issued])];

describe('TerminatePolicy EXPIRY', () => {
  // A 10-year term policy, premiums for 10 years, no survival benefits: it ends on 2034-03-15.
  const term = policyIssued({ maturityDate: '2034-03-15', survivalBenefits: [], riders: [] });
  const paidUp = [
    term,
    ...eventsOf(
      [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => payPremium(n, `${2023 + n}-03-15`)),
      [term],
    ),
  ];

  it('on the maturity date of a plan without a MATURITY benefit ends the policy', () => {
    givenPolicy(paidUp)
      .when(terminatePolicy('2034-03-15', 'EXPIRY'))
      .then([{ type: 'PolicyTerminated', data: terminated('2034-03-15', 'EXPIRY') }]);
  });

  it('the day before the maturity date → EXPIRY_NOT_DUE', () => {
    givenPolicy(paidUp)
      .when(terminatePolicy('2034-03-14', 'EXPIRY'))
      .thenThrows('EXPIRY_NOT_DUE', /2034-03-15/);
  });

  it('when the plan pays a MATURITY benefit → EXPIRY_NOT_DUE (the policy matures by paying it)', () => {
    givenPolicy(paidTwo)
      .when(terminatePolicy('2044-03-15', 'EXPIRY'))
      .thenThrows('EXPIRY_NOT_DUE', /MATURITY/);
  });
});

describe('TerminatePolicy RESCINDED', () => {
  const rescind = (
    terminatedOn: string,
    ground: 'NON_DISCLOSURE_INTENTIONAL' | 'NON_DISCLOSURE_NEGLIGENT' | 'AGE_MISSTATEMENT',
    groundKnownOn: string,
  ) => terminatePolicy(terminatedOn, 'RESCINDED', terminatedOn, { ground, groundKnownOn });

  it('for negligent non-disclosure refunds the premiums paid (art. 16 ¶5)', () => {
    givenPolicy(paidTwo)
      .when(rescind('2025-04-01', 'NON_DISCLOSURE_NEGLIGENT', '2025-03-20'))
      .then([
        {
          type: 'PolicyTerminated',
          data: {
            terminatedOn: '2025-04-01',
            reason: 'RESCINDED',
            ground: 'NON_DISCLOSURE_NEGLIGENT',
            groundKnownOn: '2025-03-20',
            refund: cny(240_000),
            // Owed back to the policyholder's premium account within 30 days: 2025-04-01 + 30 = 2025-05-01.
            payable: {
              payableId: 'P-2024-0001-P1',
              kind: 'RESCISSION_REFUND',
              amount: cny(240_000),
              payee: { name: 'Li Wei', accountRef: 'ACC-1' },
              dueBy: '2025-05-01',
            },
          },
        },
      ]);
  });

  it('for intentional non-disclosure refunds nothing (art. 16 ¶4)', () => {
    const [event] = givenPolicy(paidTwo)
      .when(rescind('2025-04-01', 'NON_DISCLOSURE_INTENTIONAL', '2025-03-20'))
      .events();
    expect(event!.data).toMatchObject({ refund: cny(0) });
  });

  it('for a misstated age owes the cash value on the day (art. 32)', () => {
    // Paid to 2026-03-15; 2025-04-01 is 17 days into policy year 2 (2025-03-15 → 2026-03-15, 365 days):
    // CV = 0 + round_half_up(300,000 × 17 / 365 = 13,972.60…) = 13,973, due by 2025-05-01.
    const [event] = givenPolicy(paidTwo)
      .when(rescind('2025-04-01', 'AGE_MISSTATEMENT', '2025-03-20'))
      .events();
    expect(event!.data).toMatchObject({
      ground: 'AGE_MISSTATEMENT',
      refund: cny(13_973),
      payable: { kind: 'RESCISSION_REFUND', amount: cny(13_973), dueBy: '2025-05-01' },
    });
  });

  it('for a misstated age on a policy sold before the catalogue: no value can be computed, no payable', () => {
    const legacy = { ...issued, data: { ...issued.data, productVersion: null } };
    const [event] = givenPolicy([legacy])
      .when(
        terminatePolicy(
          '2025-04-01',
          'RESCINDED',
          '2025-04-01',
          { ground: 'AGE_MISSTATEMENT', groundKnownOn: '2025-03-20' },
          null,
        ),
      )
      .events();
    expect(event!.data).toMatchObject({ refund: null, payable: null });
  });

  it('for intentional non-disclosure: nothing is owed, no payable', () => {
    const [event] = givenPolicy(paidTwo)
      .when(rescind('2025-04-01', 'NON_DISCLOSURE_INTENTIONAL', '2025-03-20'))
      .events();
    expect(event!.data).toMatchObject({ refund: cny(0), payable: null });
  });

  it('more than 30 days after the ground became known → RESCISSION_RIGHT_EXPIRED; on the 30th day it is accepted', () => {
    givenPolicy(paidTwo)
      .when(rescind('2025-04-20', 'NON_DISCLOSURE_NEGLIGENT', '2025-03-20'))
      .thenThrows('RESCISSION_RIGHT_EXPIRED', /2025-04-19/);
    expect(
      givenPolicy(paidTwo)
        .when(rescind('2025-04-19', 'NON_DISCLOSURE_NEGLIGENT', '2025-03-20'))
        .events(),
    ).toHaveLength(1);
  });

  it('two years after the contract took effect → INCONTESTABLE (four years after issue, whatever was known when)', () => {
    givenPolicy(paidTwo)
      .when(rescind('2028-03-15', 'NON_DISCLOSURE_INTENTIONAL', '2028-03-01'))
      .thenThrows('INCONTESTABLE', /2026-03-15/);
    givenPolicy(paidTwo)
      .when(rescind('2026-03-15', 'NON_DISCLOSURE_INTENTIONAL', '2026-03-01'))
      .thenThrows('INCONTESTABLE');
    expect(
      givenPolicy(paidTwo)
        .when(rescind('2026-03-14', 'NON_DISCLOSURE_INTENTIONAL', '2026-03-01'))
        .events(),
    ).toHaveLength(1);
  });

  it('under US rules: contestable for 2 years, no 30-day limit from knowledge', () => {
    const us = policyIssued({}, US_RULE_PROFILE);
    expect(
      givenPolicy([us])
        .when(rescind('2026-03-01', 'NON_DISCLOSURE_NEGLIGENT', '2024-06-01'))
        .events(),
    ).toHaveLength(1);
    expect(CN_RULE_PROFILE.rescissionKnowledgeDays).toBe(30);
  });

  it('without its ground or the date it became known → RESCISSION_GROUND_REQUIRED; a ground on another reason too', () => {
    givenPolicy(paidTwo).when(terminatePolicy('2025-04-01', 'RESCINDED')).thenThrows('RESCISSION_GROUND_REQUIRED');
    givenPolicy(paidTwo)
      .when(
        terminatePolicy('2025-04-01', 'DEATH', '2025-04-01', {
          ground: 'AGE_MISSTATEMENT',
          groundKnownOn: '2025-03-01',
        }),
      )
      .thenThrows('RESCISSION_GROUND_REQUIRED');
  });
});

describe('termination dates', () => {
  it('before the policy took effect → DATE_BEFORE_POLICY', () => {
    givenPolicy([issued]).when(terminatePolicy('2024-03-14', 'DEATH')).thenThrows('DATE_BEFORE_POLICY');
  });

  it('before the latest recorded transaction → DATE_BEFORE_LAST_TRANSACTION', () => {
    // Installment 2 was paid on 2025-03-01: the policy cannot have ended on 2025-02-01.
    givenPolicy(paidTwo)
      .when(terminatePolicy('2025-02-01', 'DEATH', '2025-04-01'))
      .thenThrows('DATE_BEFORE_LAST_TRANSACTION', /2025-03-01/);
    const reminded = [...paidTwo, ...eventsOf([sendReminder(3, 'PRE_DUE', '2026-02-13')], paidTwo)];
    givenPolicy(reminded)
      .when(terminatePolicy('2026-02-12', 'DEATH', '2026-03-01'))
      .thenThrows('DATE_BEFORE_LAST_TRANSACTION');
    expect(
      givenPolicy(reminded)
        .when(terminatePolicy('2026-02-13', 'DEATH', '2026-03-01'))
        .events(),
    ).toHaveLength(1);
  });
});
