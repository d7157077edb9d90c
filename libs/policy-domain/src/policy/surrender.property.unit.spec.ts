/**
 * Property of SurrenderPolicy (DESIGN 2.9), over generated histories: random frequency and premium, a random number
 * of installments paid (some in advance), an optional waiver, a random cash-value table and a random request date —
 * each command decided by the real decider, rejected ones dropped. Seeded, so a failure names a reproducible seed.
 *
 * The payout never goes below 0 and never exceeds the cash value on the request date plus the premium paid for
 * installments due after it; it is exactly that sum less the loan debt (0 until loans exist).
 */
import { addDays, addMonthsClamped } from '../dates';
import { isDomainError } from '../errors';
import { eventsOf } from '../testing/decider-specification';
import { publishedProduct } from '../testing/product-fixtures';
import { cny, payPremium, policyIssued, surrenderPolicy, waivePremium } from '../testing/policy-fixtures';
import { cashValueOn } from './cash-value';
import { type PolicyCommand } from './policy-commands';
import { type PolicyEvent } from './policy-events';
import { type PremiumFrequency } from './policy-values';
import { policyStateAfter } from '../testing/decider-specification';
import { type IssuedPolicy } from './policy-state';

/** mulberry32: a tiny seeded PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MONTHS: Record<PremiumFrequency, number> = { ANNUAL: 12, SEMI_ANNUAL: 6, QUARTERLY: 3, MONTHLY: 1, SINGLE: 0 };

function scenario(seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const between = (from: number, to: number) => from + Math.floor(next() * (to - from + 1));
  const frequency = pick<PremiumFrequency>(['ANNUAL', 'SEMI_ANNUAL', 'QUARTERLY', 'MONTHLY']);
  const premium = between(1_000, 300_000);
  const issued = policyIssued({
    premium: { modalPremium: cny(premium), frequency, paymentTermYears: 10, paymentMethod: { type: 'CASH' } },
    riders: [],
    survivalBenefits: [],
  });
  // A rising table, sometimes with a fall, up to 2× the sum assured.
  const table = Array.from({ length: between(1, 15) }, () => between(0, 2_000_000));
  const product = publishedProduct('ENDOW-20', 'CNY', 'CN', { cashValuePpm: table });
  const months = MONTHS[frequency];
  const commands: PolicyCommand[] = [];
  const paid = between(1, (120 / months) * 0.8);
  for (let n = 2; n <= paid; n++) {
    const due = addMonthsClamped('2024-03-15', (n - 1) * months);
    // Most on the due date, some up to 200 days early (paid in advance).
    commands.push(payPremium(n, next() < 0.3 ? addDays(due, -between(1, 200)) : due, { amount: cny(premium) }));
  }
  if (next() < 0.3) commands.push(waivePremium(addDays('2024-06-20', between(0, 2_000)), { today: '2031-01-01' }));
  const events: PolicyEvent[] = [issued];
  for (const command of commands) {
    try {
      events.push(...eventsOf([command], events));
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  }
  const policy = policyStateAfter(events) as IssuedPolicy;
  const requestedOn = addDays(policy.lastTransactionDate, between(0, 3_000));
  return { events, policy, product, requestedOn };
}

describe('SurrenderPolicy (property)', () => {
  it.each(Array.from({ length: 200 }, (_, index) => index + 1))(
    'seed %i: 0 ≤ payout = CV(D) + prepaid premium − debt ≤ CV(D) + prepaid premium',
    (seed) => {
      const { events, policy, product, requestedOn } = scenario(seed);
      const [surrendered] = eventsOf([surrenderPolicy(requestedOn, { today: requestedOn, product })], events);
      if (surrendered?.type !== 'PolicySurrendered') throw new Error('expected PolicySurrendered');
      const { cashValue, prepaidPremium, loanDebt, payout, payable } = surrendered.data;
      expect(cashValue).toEqual(cashValueOn(policy, product.cashValuePpm, requestedOn).cashValue);
      expect(payout.amount).toBeGreaterThanOrEqual(0);
      expect(payout.amount).toBeLessThanOrEqual(cashValue.amount + prepaidPremium.amount);
      expect(payout.amount).toBe(Math.max(0, cashValue.amount + prepaidPremium.amount - loanDebt.amount));
      expect(payable?.amount ?? cny(0)).toEqual(payout);
    },
  );
});
