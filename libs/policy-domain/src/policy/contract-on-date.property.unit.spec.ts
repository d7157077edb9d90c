/**
 * Property tests of the contract on a business date (DESIGN 2.7), over generated policy histories: random
 * frequencies, payments (early, in grace, late), premium-affecting endorsements recorded ahead of their effective
 * dates, cancellations, rider and beneficiary changes — each command decided by the real decider, rejected ones
 * dropped. Seeded, so a failure names a reproducible seed.
 *
 * 1. The terms in force on D computed from all events equal the terms folded from only the events effective on or
 *    before D (the time model is "apply each fact from its own date", not "last recorded wins").
 * 2. The premium billed for each installment equals the terms in force on its due date: the base modal premium plus
 *    every rider in force that day, as the events effective by then say.
 * 3. A premium once paid is never repriced: every PremiumPaid amount equals the final schedule's amount.
 */
import { addDays, addMonthsClamped } from '../dates';
import { isDomainError } from '../errors';
import { eventsOf, policyStateAfter } from '../testing/decider-specification';
import {
  CHILD_BENEFICIARY,
  cancelScheduledChange,
  changeBeneficiaries,
  changeContract,
  cny,
  payPremium,
  policyIssued,
} from '../testing/policy-fixtures';
import { latestTerms, ridersInForceOn, termsOn, type ContractTerms } from './contract-terms';
import { type ContractChange } from './contract-changes';
import { type PolicyCommand } from './policy-commands';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';
import { type PremiumFrequency } from './policy-values';
import { scheduledInstallment, scheduledInstallments } from './premium-schedule';

/** mulberry32: a tiny seeded PRNG, enough to vary histories reproducibly. */
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

const FREQUENCIES: PremiumFrequency[] = ['ANNUAL', 'SEMI_ANNUAL', 'QUARTERLY', 'MONTHLY'];

function generateHistory(seed: number): PolicyEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const amount = (from: number, to: number) => from + Math.floor(next() * (to - from));
  const frequency = pick(FREQUENCIES);
  const issued = policyIssued({
    premium: {
      modalPremium: cny(amount(1_000, 200_000)),
      frequency,
      paymentTermYears: 10,
      paymentMethod: { type: 'CASH' },
    },
    riders: [{ code: 'ADB', sumAssured: cny(5_000_000), modalPremium: cny(amount(0, 3_000)), endDate: '2034-03-15' }],
  });
  const events: PolicyEvent[] = [issued];
  const tryCommand = (command: PolicyCommand) => {
    try {
      events.push(...eventsOf([command], events));
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  };
  let today = '2024-03-20';
  for (let step = 0; step < 40 && today < '2034-01-01'; step++) {
    today = addDays(today, amount(10, 120));
    const policy = policyStateAfter(events) as IssuedPolicy;
    if (policy.status !== 'IN_FORCE') break;
    const schedule = policy.premium.schedule;
    const nextInstallment = scheduledInstallment(schedule, policy.premium.paidInstallments + 1);
    const dueDates = scheduledInstallments(schedule)
      .map((installment) => installment.dueDate)
      .filter((dueDate) => dueDate >= today);
    const roll = next();
    if (roll < 0.45 && nextInstallment) {
      const paidOn = nextInstallment.dueDate > today ? today : addDays(nextInstallment.dueDate, amount(-20, 50));
      if (paidOn <= today)
        tryCommand(
          payPremium(nextInstallment.installmentNo, paidOn, {
            amount: nextInstallment.amount,
            today,
            receiptNo: `R-${step}`,
          }),
        );
    } else if (roll < 0.75 && dueDates.length > 0) {
      const effectiveDate = pick(dueDates.slice(0, 30));
      const terms = termsOn(policy.terms, effectiveDate);
      const inForce = ridersInForceOn(terms, effectiveDate);
      const kind = pick(['SUM_ASSURED', 'PREMIUM_FREQUENCY', 'RIDER_ADDED', 'RIDER_REMOVED'] as const);
      const change: ContractChange =
        kind === 'SUM_ASSURED'
          ? {
              kind,
              sumAssured: cny(amount(1_000_000, 20_000_000)),
              modalPremium: cny(amount(1_000, 200_000)),
              underwritingRef: 'UW',
            }
          : kind === 'PREMIUM_FREQUENCY'
            ? {
                kind,
                frequency: pick(FREQUENCIES),
                modalPremium: cny(amount(1_000, 200_000)),
                riderPremiums: inForce.map((rider) => ({ code: rider.code, modalPremium: cny(amount(0, 3_000)) })),
              }
            : kind === 'RIDER_ADDED'
              ? {
                  kind,
                  rider: {
                    code: pick(['CI', 'WOP', 'HOSP']),
                    sumAssured: cny(100_000),
                    modalPremium: cny(amount(0, 5_000)),
                    endDate: addMonthsClamped(effectiveDate, amount(1, 96)),
                  },
                }
              : { kind, riderCode: inForce.length > 0 ? pick(inForce).code : 'NONE' };
      tryCommand(
        changeContract(
          kind === 'PREMIUM_FREQUENCY'
            ? pick([...dueDates.filter((d) => d.slice(5) === '03-15'), effectiveDate])
            : effectiveDate,
          [change],
          today,
        ),
      );
    } else if (roll < 0.85) {
      const scheduled = policy.terms.amendments.find(
        (amendment) => amendment.premiumAffecting && amendment.effectiveDate > today,
      );
      if (scheduled) tryCommand(cancelScheduledChange(scheduled.endorsementNo, today));
    } else {
      const effectiveDate = addDays(today, amount(-30, 200));
      const beneficiary = {
        ...CHILD_BENEFICIARY,
        name: `Child ${step}`,
        idNumber: `11010120100101${String(1000 + step)}`,
      };
      tryCommand(changeBeneficiaries({ effectiveDate, beneficiaries: [beneficiary] }, today));
    }
  }
  return events;
}

/** The events whose business effect had started by `date`: issue, and endorsements effective by then (not cancelled). */
function effectiveBy(events: readonly PolicyEvent[], date: string): PolicyEvent[] {
  const cancelled = new Set(
    events.flatMap((event) => (event.type === 'ScheduledChangeCancelled' ? [event.data.endorsementNo] : [])),
  );
  return events.filter((event) => {
    switch (event.type) {
      case 'PolicyIssued':
        return true;
      case 'ContractChanged':
      case 'BeneficiariesChanged':
        return event.data.effectiveDate <= date && !cancelled.has(event.data.endorsementNo);
      default:
        return false;
    }
  });
}

function termsSeenOn(terms: ContractTerms, date: string) {
  return {
    sumAssured: terms.sumAssured,
    frequency: terms.frequency,
    basePremium: terms.basePremium,
    riders: ridersInForceOn(terms, date).map(({ code, modalPremium, endDate }) => ({ code, modalPremium, endDate })),
    beneficiaries: terms.beneficiaries,
  };
}

const SEEDS = Array.from({ length: 150 }, (_, index) => index + 1);

describe('the contract on a business date (generated histories)', () => {
  it.each(SEEDS)('seed %i: terms on D from all events = terms folded from the events effective on D', (seed) => {
    const events = generateHistory(seed);
    const policy = policyStateAfter(events) as IssuedPolicy;
    const dates = [
      ...new Set(
        events.flatMap((event) => ('effectiveDate' in event.data ? [event.data.effectiveDate as string] : [])),
      ),
    ];
    for (let year = 2024; year <= 2035; year++) dates.push(`${year}-03-15`, `${year}-09-30`);
    for (const date of dates) {
      const folded = policyStateAfter(effectiveBy(events, date)) as IssuedPolicy;
      expect({ date, terms: termsSeenOn(termsOn(policy.terms, date), date) }).toEqual({
        date,
        terms: termsSeenOn(latestTerms(folded.terms), date),
      });
    }
  });

  it.each(SEEDS)(
    'seed %i: each installment bills the terms in force on its due date; paid ones are never repriced',
    (seed) => {
      const events = generateHistory(seed);
      const policy = policyStateAfter(events) as IssuedPolicy;
      for (const installment of scheduledInstallments(policy.premium.schedule)) {
        const terms = latestTerms((policyStateAfter(effectiveBy(events, installment.dueDate)) as IssuedPolicy).terms);
        const riders = ridersInForceOn(terms, installment.dueDate).reduce(
          (sum, rider) => sum + rider.modalPremium.amount,
          0,
        );
        expect({ installmentNo: installment.installmentNo, amount: installment.amount.amount }).toEqual({
          installmentNo: installment.installmentNo,
          amount: terms.basePremium.amount + riders,
        });
      }
      for (const event of events) {
        if (event.type !== 'PremiumPaid') continue;
        expect(scheduledInstallment(policy.premium.schedule, event.data.installmentNo)).toEqual({
          installmentNo: event.data.installmentNo,
          dueDate: event.data.dueDate,
          amount: event.data.amount,
        });
      }
    },
  );

  it('the generated histories exercise what they claim to', () => {
    const histories = SEEDS.map(generateHistory);
    const count = (type: PolicyEvent['type']) =>
      histories.reduce((sum, events) => sum + events.filter((event) => event.type === type).length, 0);
    const premiumChanges = histories
      .flat()
      .filter(
        (event) => event.type === 'ContractChanged' && event.data.changes.some((change) => change.kind !== 'CONTACT'),
      );
    expect(count('PremiumPaid')).toBeGreaterThan(300);
    expect(premiumChanges.length).toBeGreaterThan(100);
    expect(count('ScheduledChangeCancelled')).toBeGreaterThan(10);
    expect(count('BeneficiariesChanged')).toBeGreaterThan(50);
    const kinds = new Set(
      premiumChanges.flatMap((event) =>
        event.type === 'ContractChanged' ? event.data.changes.map((change) => change.kind) : [],
      ),
    );
    expect([...kinds].sort()).toEqual(['PREMIUM_FREQUENCY', 'RIDER_ADDED', 'RIDER_REMOVED', 'SUM_ASSURED']);
  });
});
