import type { EventStore, RecordedEvent } from '@lib/event-sourcing';
import { EVENT_STORE } from '../src/event-store/tokens';
import { ServicingDay, type ServicingDayReport } from '../src/scheduler/servicing-day';
import { issuePolicyBody, money } from './support/fixtures';
import { bearer, removeDataDir, startTestApi, type KeyRole, type TestApi } from './support/test-api';

/**
 * EXPIRY at the end of the term (DESIGN 2.5, 6): the servicing day terminates an open policy with reason EXPIRY on the
 * run of its maturity date when its survival-benefit plan has no MATURITY entry — in force or lapsed alike — and not
 * the day before; a policy with a MATURITY benefit matures by its payment instead. A run that finds a policy whose
 * lapse date went by unrecorded and whose term has ended since records the expiry, not a lapse after the end of cover.
 * Five-year ANNUAL policies, installments due on the effective date's anniversaries 2021–2025.
 */
const MODAL = 200_000;

interface Term {
  readonly policyId: string;
  readonly effectiveDate: string;
  readonly maturityDate: string;
  /** Installments paid on their due dates (installment 1 at issue). */
  readonly paidThrough: number;
  readonly maturityBenefit?: boolean;
}

const PAID_UP: Term = {
  policyId: 'EXP-PAIDUP',
  effectiveDate: '2021-03-31',
  maturityDate: '2026-03-31',
  paidThrough: 5,
};
/** Installment 5 (due 2025-03-31) unpaid: lapsed on 2025-05-31, reinstatable until 2027-05-31. */
const LAPSED: Term = {
  policyId: 'EXP-LAPSED',
  effectiveDate: '2021-03-31',
  maturityDate: '2026-03-31',
  paidThrough: 4,
};
const WITH_MATURITY_BENEFIT: Term = {
  policyId: 'EXP-MATBEN',
  effectiveDate: '2021-03-31',
  maturityDate: '2026-03-31',
  paidThrough: 5,
  maturityBenefit: true,
};
const LATER: Term = { policyId: 'EXP-LATER', effectiveDate: '2021-04-01', maturityDate: '2026-04-01', paidThrough: 5 };
/** Installment 5 (due 2025-03-30) unpaid, its lapse date 2025-05-30 passed with no servicing day run. */
const UNRECORDED_LAPSE: Term = {
  policyId: 'EXP-NOLAPSE',
  effectiveDate: '2021-03-30',
  maturityDate: '2026-03-30',
  paidThrough: 4,
};
/** Matured 2026-03-28, two days before the first servicing day that runs: a late run still ends it on that date. */
const MISSED_RUN: Term = {
  policyId: 'EXP-MISSED',
  effectiveDate: '2021-03-28',
  maturityDate: '2026-03-28',
  paidThrough: 5,
};
const TERMS = [PAID_UP, LAPSED, WITH_MATURITY_BENEFIT, LATER, UNRECORDED_LAPSE, MISSED_RUN];

function anniversary(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

describe('scheduler: EXPIRY on the maturity date of a policy without a maturity benefit', () => {
  let api: TestApi;
  let store: EventStore;
  let servicingDay: ServicingDay;
  const reports = new Map<string, ServicingDayReport>();
  const eventsAfterRun = new Map<string, number>();

  async function post(url: string, role: KeyRole, body: object): Promise<void> {
    const response = await api.http().post(url).set('Authorization', bearer(role)).send(body);
    if (response.status !== 201) throw new Error(`${url}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  const eventsOf = (policyId: string): Promise<RecordedEvent[]> => store.readStream(`policy-${policyId}`);
  const terminationsOf = async (policyId: string) =>
    (await eventsOf(policyId))
      .filter((event) => event.type === 'PolicyTerminated')
      .map(({ data }) => ({ terminatedOn: data.terminatedOn, reason: data.reason }));
  async function runDay(date: string): Promise<void> {
    api.clock.setToday(date);
    reports.set(date, await servicingDay.run(date));
    eventsAfterRun.set(date, (await store.readAll()).length);
  }

  beforeAll(async () => {
    api = await startTestApi({
      today: '2021-03-31',
      env: { SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: 'false' },
    });
    store = api.app.get<EventStore>(EVENT_STORE);
    servicingDay = api.app.get(ServicingDay);
    api.clock.setToday('2021-04-01');
    for (const term of TERMS) {
      await post(
        '/v1/policies',
        'clerk',
        issuePolicyBody(term.policyId, {
          premium: {
            modalPremium: money(MODAL),
            frequency: 'ANNUAL',
            paymentTermYears: 5,
            paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
          },
          effectiveDate: term.effectiveDate,
          maturityDate: term.maturityDate,
          survivalBenefits: term.maturityBenefit
            ? [{ periodNo: 1, kind: 'MATURITY', dueDate: term.maturityDate, amount: money(5_000_000) }]
            : [],
        }),
      );
    }
    for (let installmentNo = 2; installmentNo <= 5; installmentNo++) {
      for (const term of TERMS.filter((candidate) => candidate.paidThrough >= installmentNo)) {
        const dueDate = anniversary(term.effectiveDate, installmentNo - 1);
        api.clock.setToday(dueDate);
        await post(`/v1/policies/${term.policyId}/premium-payments`, 'clerk', {
          installmentNo,
          amount: money(MODAL),
          paidOn: dueDate,
          receiptNo: `RC-${term.policyId}-${installmentNo}`,
        });
      }
    }
    api.clock.setToday('2025-05-31');
    await post(`/v1/policies/${LAPSED.policyId}/lapses`, 'system', { lapsedOn: '2025-05-31' });

    // No servicing day ran before 2026-03-30: EXP-NOLAPSE's lapse date went by unrecorded.
    await runDay('2026-03-30');
    await runDay('2026-03-31');
    await runDay('2026-04-01');
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    if (api) removeDataDir(api.dataDir);
  });

  it('a policy without a MATURITY benefit is terminated EXPIRY by the run of its maturity date, in force or lapsed', async () => {
    for (const term of [PAID_UP, LAPSED]) {
      expect({ policyId: term.policyId, terminations: await terminationsOf(term.policyId) }).toEqual({
        policyId: term.policyId,
        terminations: [{ terminatedOn: '2026-03-31', reason: 'EXPIRY' }],
      });
    }
    expect(await terminationsOf(LATER.policyId)).toEqual([{ terminatedOn: '2026-04-01', reason: 'EXPIRY' }]);
    expect(reports.get('2026-03-31')!.actions.EXPIRY_TERMINATION).toEqual({
      sent: 2,
      replayed: 0,
      skipped: 0,
      failed: 0,
    });
  });

  it('a run later than the maturity date dates the EXPIRY on the maturity date, not on the run', async () => {
    expect(await terminationsOf(MISSED_RUN.policyId)).toEqual([{ terminatedOn: '2026-03-28', reason: 'EXPIRY' }]);
  });

  it('not by the run of the day before', () => {
    // 2026-03-30 expired EXP-NOLAPSE (and EXP-MISSED, matured two days before); 2026-03-31 expired the two
    // maturing then, not EXP-LATER (2026-04-01).
    expect(reports.get('2026-03-30')!.actions.EXPIRY_TERMINATION.sent).toBe(2);
    expect(reports.get('2026-04-01')!.actions.EXPIRY_TERMINATION.sent).toBe(1);
  });

  it('a policy whose plan pays a MATURITY benefit is not expired: the desk sees the benefit due', async () => {
    expect(await terminationsOf(WITH_MATURITY_BENEFIT.policyId)).toEqual([]);
    expect(reports.get('2026-03-31')!.survivalBenefitsDue.map((row) => [row.policyId, row.kind])).toEqual([
      [WITH_MATURITY_BENEFIT.policyId, 'MATURITY'],
    ]);
  });

  it('a term that ended after an unrecorded lapse date expires; no lapse is recorded after the end of cover', async () => {
    const events = await eventsOf(UNRECORDED_LAPSE.policyId);

    expect(await terminationsOf(UNRECORDED_LAPSE.policyId)).toEqual([{ terminatedOn: '2026-03-30', reason: 'EXPIRY' }]);
    expect(events.filter((event) => event.type === 'PolicyLapsed')).toEqual([]);
    expect(reports.get('2026-03-30')!.actions.LAPSE.sent).toBe(0);
  });

  it('each EXPIRY carries channel SCHEDULER, actor system and its key; running a day again writes nothing', async () => {
    const expiries = (await store.readAll()).filter(
      (event) => event.type === 'PolicyTerminated' && event.data.reason === 'EXPIRY',
    );
    expect(
      expiries.map((event) => [event.streamId, event.metadata.channel, event.metadata.idempotencyKey]).sort(),
    ).toEqual([
      ['policy-EXP-LAPSED', 'SCHEDULER', 'expiry:EXP-LAPSED:2026-03-31'],
      ['policy-EXP-LATER', 'SCHEDULER', 'expiry:EXP-LATER:2026-04-01'],
      ['policy-EXP-MISSED', 'SCHEDULER', 'expiry:EXP-MISSED:2026-03-28'],
      ['policy-EXP-NOLAPSE', 'SCHEDULER', 'expiry:EXP-NOLAPSE:2026-03-30'],
      ['policy-EXP-PAIDUP', 'SCHEDULER', 'expiry:EXP-PAIDUP:2026-03-31'],
    ]);
    for (const event of expiries) expect(event.metadata.actor).toEqual({ id: 'system', roles: ['system'] });

    const before = (await store.readAll()).length;
    expect(before).toBe(eventsAfterRun.get('2026-04-01'));
    api.clock.setToday('2026-04-01');
    const again = await servicingDay.run('2026-03-31');
    expect((await store.readAll()).length).toBe(before);
    expect(Object.values(again.actions).every((counts) => counts.sent === 0 && counts.failed === 0)).toBe(true);
  });
});
