import type { EventStore, RecordedEvent } from '@lib/event-sourcing';
import { EVENT_STORE } from '../src/event-store/tokens';
import { ServicingDay, type ServicingDayReport } from '../src/scheduler/servicing-day';
import { runServicingDays } from '../src/scheduler/servicing-days';
import { issuePolicyBody, money } from './support/fixtures';
import { bearer, removeDataDir, startTestApi, type KeyRole, type TestApi } from './support/test-api';

/**
 * A simulated year (2025) of the servicing day for 50 policies of mixed frequencies, `run-day` over every date.
 * The expectations come from a small model of the DESIGN rules written here (calendar arithmetic included), not
 * from the code under test: pre-due reminders 30 and 7 days before each open installment on LETTER and SMS, an
 * overdue notice (LETTER) the day after the due date, a CN lapse the day after due + 60 days' grace — the 30-day notice
 * rule (催告) applies only where the product enables it, which the default does not, so the notice shortens nothing,
 * delivered, returned or never delivered — and a LAPSE_EXPIRED termination the day after the reinstatement deadline
 * (lapse date + 2 years).
 */

// ---- calendar, independent of the domain's date functions ----
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
function addMonthsClamped(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  return `${targetYear}-${String(targetMonth).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

const WINDOW = { from: '2025-01-01', to: '2025-12-31' } as const;
const SURVIVAL_DUE = '2025-06-15';
const MODAL = 120_000;
const PERIOD_MONTHS = { MONTHLY: 1, QUARTERLY: 3, SEMI_ANNUAL: 6, ANNUAL: 12, SINGLE: 0 } as const;
type Frequency = keyof typeof PERIOD_MONTHS;
type Behaviour =
  | { kind: 'PAYER' }
  | { kind: 'STOPS'; delivery: 'DELIVERED' | 'RETURNED' | 'NONE' }
  | { kind: 'REINSTATED' }
  | { kind: 'EXPIRED'; lapsedOn: string };

interface Simulated {
  readonly policyId: string;
  readonly frequency: Frequency;
  readonly effectiveDate: string;
  readonly behaviour: Behaviour;
  readonly survivalBenefit: boolean;
  /** Installment k (index k) → due date; [0] unused. */
  readonly dueDates: string[];
  /** The installment left unpaid (STOPS, REINSTATED). */
  readonly stopInstallment?: number;
  readonly lapseDate?: string;
  readonly reinstatedOn?: string;
  readonly terminatedOn?: string;
}

function dueDatesOf(effectiveDate: string, frequency: Frequency): string[] {
  const count = frequency === 'SINGLE' ? 1 : 10 * (12 / PERIOD_MONTHS[frequency]);
  const dates = [''];
  for (let k = 1; k <= count; k++) dates.push(addMonthsClamped(effectiveDate, (k - 1) * PERIOD_MONTHS[frequency]));
  return dates;
}

function simulated(index: number): Simulated {
  const policyId = `YEAR-${String(index).padStart(4, '0')}`;
  const frequencies: Frequency[] = ['MONTHLY', 'QUARTERLY', 'SEMI_ANNUAL', 'ANNUAL'];
  let behaviour: Behaviour = { kind: 'PAYER' };
  if (index >= 30 && index <= 35) behaviour = { kind: 'STOPS', delivery: 'DELIVERED' };
  if (index >= 36 && index <= 39) behaviour = { kind: 'STOPS', delivery: 'RETURNED' };
  if (index >= 40 && index <= 41) behaviour = { kind: 'STOPS', delivery: 'NONE' };
  if (index >= 42 && index <= 45) behaviour = { kind: 'REINSTATED' };
  // Lapsed on the first day the law allows (due + 60 days' grace + 1), so the deadline is lapsedOn + 2 years.
  if (index === 46) behaviour = { kind: 'EXPIRED', lapsedOn: '2023-03-12' };
  if (index === 47) behaviour = { kind: 'EXPIRED', lapsedOn: '2023-08-30' };
  const frequency: Frequency =
    index >= 48 ? 'SINGLE' : behaviour.kind === 'EXPIRED' ? 'ANNUAL' : frequencies[index % 4];
  // Month ends on purpose (29–31): the schedule clamps them to shorter months.
  const day = [1, 10, 15, 28, 29, 30, 31][index % 7];
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(2024, month, 0)).getUTCDate();
  const effectiveDate =
    behaviour.kind === 'EXPIRED'
      ? index === 46
        ? '2022-01-10'
        : '2022-06-30'
      : `2024-${String(month).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
  const dueDates = dueDatesOf(effectiveDate, frequency);
  const survivalBenefit = index % 5 === 0 && behaviour.kind !== 'EXPIRED';
  const base = { policyId, frequency, effectiveDate, behaviour, survivalBenefit, dueDates };

  if (behaviour.kind === 'EXPIRED') {
    // DESIGN 2.4: deadline = lapse date + 2 years; LAPSE_EXPIRED from the day after.
    const [year, rest] = [Number(behaviour.lapsedOn.slice(0, 4)), behaviour.lapsedOn.slice(4)];
    return { ...base, terminatedOn: addDays(`${year + 2}${rest}`, 1) };
  }
  if (behaviour.kind === 'STOPS' || behaviour.kind === 'REINSTATED') {
    const stopInstallment = dueDates.findIndex((due, k) => k >= 2 && due >= '2025-03-01');
    const due = dueDates[stopInstallment];
    // CN default: 60 days' grace, then the day after; the overdue notice (sent on due + 1) does not shorten it.
    const lapseDate = addDays(addDays(due, 60), 1);
    const reinstatedOn = behaviour.kind === 'REINSTATED' ? addDays(lapseDate, 10) : undefined;
    return { ...base, stopInstallment, lapseDate, reinstatedOn };
  }
  return base;
}

type Status = 'IN_FORCE' | 'LAPSED' | 'TERMINATED';

/** The model's status at the scheduler's reminder phase of day `date` (after that day's lapse or termination). */
function statusOn(policy: Simulated, date: string): Status {
  if (policy.behaviour.kind === 'EXPIRED') return date >= policy.terminatedOn! ? 'TERMINATED' : 'LAPSED';
  if (policy.lapseDate !== undefined && date >= policy.lapseDate) {
    return policy.reinstatedOn !== undefined && date >= policy.reinstatedOn ? 'IN_FORCE' : 'LAPSED';
  }
  return 'IN_FORCE';
}

/** The day installment k is paid (payments are made on the due date, before that day's run), or null. */
function paidOn(policy: Simulated, k: number): string | null {
  const due = policy.dueDates[k];
  if (k === 1) return due;
  if (policy.behaviour.kind === 'EXPIRED') return null;
  if (policy.stopInstallment === undefined || k < policy.stopInstallment) return due;
  if (policy.reinstatedOn === undefined) return null;
  // Reinstatement pays every installment due on or before its date; later ones are paid on their due dates again.
  return due <= policy.reinstatedOn ? policy.reinstatedOn : due;
}

interface ReminderFact {
  installmentNo: number;
  dueDate: string;
  kind: string;
  channel: string;
  sentOn: string;
}

function expectedReminders(policy: Simulated): ReminderFact[] {
  const facts: ReminderFact[] = [];
  const inWindow = (date: string) => date >= WINDOW.from && date <= WINDOW.to;
  for (let k = 2; k < policy.dueDates.length; k++) {
    const dueDate = policy.dueDates[k];
    const paid = paidOn(policy, k);
    const points = [
      { sentOn: addDays(dueDate, -30), kind: 'PRE_DUE', channels: ['LETTER', 'SMS'] },
      { sentOn: addDays(dueDate, -7), kind: 'PRE_DUE', channels: ['LETTER', 'SMS'] },
      { sentOn: addDays(dueDate, 1), kind: 'OVERDUE_NOTICE', channels: ['LETTER'] },
    ];
    for (const { sentOn, kind, channels } of points) {
      const open = paid === null || paid > sentOn;
      if (inWindow(sentOn) && open && statusOn(policy, sentOn) === 'IN_FORCE') {
        for (const channel of channels) facts.push({ installmentNo: k, dueDate, kind, channel, sentOn });
      }
    }
  }
  return facts.sort(compareFacts);
}

function compareFacts(a: ReminderFact, b: ReminderFact): number {
  const key = (fact: ReminderFact) =>
    `${fact.sentOn}|${String(fact.installmentNo).padStart(4, '0')}|${fact.kind}|${fact.channel}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

const POLICIES = Array.from({ length: 50 }, (_, index) => simulated(index));

describe('scheduler: a simulated year of servicing days for 50 policies', () => {
  let api: TestApi;
  let store: EventStore;
  let servicingDay: ServicingDay;
  const reports = new Map<string, ServicingDayReport>();

  async function post(url: string, role: KeyRole, body: object): Promise<Record<string, unknown>> {
    const response = await api.http().post(url).set('Authorization', bearer(role)).send(body);
    if (response.status !== 201) throw new Error(`${url}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, unknown>;
  }
  const pay = (policy: Simulated, k: number, on: string) =>
    post(`/v1/policies/${policy.policyId}/premium-payments`, 'clerk', {
      installmentNo: k,
      amount: money(MODAL),
      paidOn: on,
      receiptNo: `RC-${policy.policyId}-${k}`,
    });

  async function eventsOf(policyId: string): Promise<RecordedEvent[]> {
    return store.readStream(`policy-${policyId}`);
  }

  /** The customers' and the desk's doings of a day, before that day's servicing run. */
  async function customerActions(date: string): Promise<void> {
    for (const policy of POLICIES) {
      if (policy.behaviour.kind === 'EXPIRED') continue;
      for (let k = 2; k < policy.dueDates.length && policy.dueDates[k] <= date; k++) {
        if (policy.dueDates[k] === date && paidOn(policy, k) === date && policy.reinstatedOn !== date) {
          await pay(policy, k, date);
        }
      }
      if (policy.stopInstallment !== undefined && date === addDays(policy.dueDates[policy.stopInstallment], 3)) {
        const delivery = policy.behaviour.kind === 'STOPS' ? policy.behaviour.delivery : 'DELIVERED';
        if (delivery !== 'NONE') {
          const notice = (await eventsOf(policy.policyId)).find(
            (event) =>
              event.type === 'PremiumReminderSent' &&
              event.data.kind === 'OVERDUE_NOTICE' &&
              event.data.installmentNo === policy.stopInstallment,
          );
          if (notice === undefined) throw new Error(`${policy.policyId}: no overdue notice by ${date}`);
          await post(
            `/v1/policies/${policy.policyId}/premium-reminders/${String(notice.data.reminderId)}/delivery`,
            'system',
            { outcome: delivery, recordedOn: date },
          );
        }
      }
      if (policy.reinstatedOn === date) {
        const quote = await api
          .http()
          .get(`/v1/policies/${policy.policyId}/reinstatement-quote?on=${date}`)
          .set('Authorization', bearer('supervisor'));
        await post(`/v1/policies/${policy.policyId}/reinstatements`, 'supervisor', {
          reinstatedOn: date,
          arrearsPaid: quote.body.total,
          healthDeclarationRef: `HD-${policy.policyId}`,
        });
      }
    }
  }

  beforeAll(async () => {
    api = await startTestApi({
      today: '2023-01-01',
      env: { SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: 'false' },
    });
    store = api.app.get<EventStore>(EVENT_STORE);
    servicingDay = api.app.get(ServicingDay);
    for (const policy of POLICIES) {
      await post(
        '/v1/policies',
        'clerk',
        issuePolicyBody(policy.policyId, {
          premium: {
            modalPremium: money(MODAL),
            frequency: policy.frequency,
            paymentTermYears: 10,
            paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
          },
          effectiveDate: policy.effectiveDate,
          maturityDate: '2040-12-31',
          survivalBenefits: policy.survivalBenefit
            ? [{ periodNo: 1, kind: 'SURVIVAL', dueDate: SURVIVAL_DUE, amount: money(1_000_000) }]
            : [],
        }),
      );
    }
    // Before the window: the expired ones lapsed in 2023; the others paid everything due in 2024 on time.
    for (const policy of POLICIES) {
      if (policy.behaviour.kind !== 'EXPIRED') continue;
      api.clock.setToday(policy.behaviour.lapsedOn);
      await post(`/v1/policies/${policy.policyId}/lapses`, 'system', { lapsedOn: policy.behaviour.lapsedOn });
    }
    api.clock.setToday('2024-12-31');
    for (const policy of POLICIES) {
      if (policy.behaviour.kind === 'EXPIRED') continue;
      for (let k = 2; k < policy.dueDates.length && policy.dueDates[k] < WINDOW.from; k++) {
        await pay(policy, k, policy.dueDates[k]);
      }
    }

    // The year: each day the customers act, then the servicing day runs; every 7th day twice at once.
    for (let date: string = WINDOW.from; date <= WINDOW.to; date = addDays(date, 1)) {
      api.clock.setToday(date);
      await customerActions(date);
      if (Number(date.slice(8)) % 7 === 0) {
        const [first, second] = await Promise.all([servicingDay.run(date), servicingDay.run(date)]);
        reports.set(date, first);
        expect(second.survivalBenefitsDue).toEqual(first.survivalBenefitsDue);
      } else {
        reports.set(date, await servicingDay.run(date));
      }
    }
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    if (api) removeDataDir(api.dataDir);
  });

  function remindersIn(events: readonly RecordedEvent[]): ReminderFact[] {
    return events
      .filter((event) => event.type === 'PremiumReminderSent')
      .map((event) => ({
        installmentNo: event.data.installmentNo as number,
        dueDate: event.data.dueDate as string,
        kind: event.data.kind as string,
        channel: event.data.channel as string,
        sentOn: event.data.sentOn as string,
      }))
      .sort(compareFacts);
  }

  it('each installment gets exactly the reminders and overdue notices the rules say, once each', async () => {
    let total = 0;
    for (const policy of POLICIES) {
      const expected = expectedReminders(policy);
      total += expected.length;
      expect({ policyId: policy.policyId, reminders: remindersIn(await eventsOf(policy.policyId)) }).toEqual({
        policyId: policy.policyId,
        reminders: expected,
      });
    }
    // The model is not vacuous: hundreds of reminders, including overdue notices.
    expect(total).toBeGreaterThan(500);
  });

  it('unpaid policies lapse on the exact first day the rules allow, due + 61 days, whatever became of the notice; paid ones never', async () => {
    const lapses: Record<string, string[]> = {};
    const expected: Record<string, string[]> = {};
    for (const policy of POLICIES) {
      const events = await eventsOf(policy.policyId);
      lapses[policy.policyId] = events
        .filter((event) => event.type === 'PolicyLapsed' && (event.data.lapsedOn as string) >= WINDOW.from)
        .map((event) => event.data.lapsedOn as string);
      expected[policy.policyId] =
        policy.lapseDate !== undefined && policy.lapseDate <= WINDOW.to ? [policy.lapseDate] : [];
    }
    expect(lapses).toEqual(expected);
    // Every kind of notice outcome occurs (DELIVERED, RETURNED, none recorded), and each lapses 61 days after the due
    // date — never 32 days after it (notice on due + 1, + 30 days, + 1), which the product's notice rule would give.
    const stopped = POLICIES.filter((policy) => policy.behaviour.kind === 'STOPS' && policy.lapseDate! <= WINDOW.to);
    expect(new Set(stopped.map((policy) => (policy.behaviour as { delivery: string }).delivery))).toEqual(
      new Set(['DELIVERED', 'RETURNED', 'NONE']),
    );
    for (const policy of stopped) {
      const lapsed = (await eventsOf(policy.policyId)).find((event) => event.type === 'PolicyLapsed')!;
      const due = policy.dueDates[policy.stopInstallment!];
      expect({ policyId: policy.policyId, dueDate: lapsed.data.dueDate, lapsedOn: lapsed.data.lapsedOn }).toEqual({
        policyId: policy.policyId,
        dueDate: due,
        lapsedOn: addDays(due, 61),
      });
    }
  });

  it('reinstated policies are in force again and get no further overdue notices', async () => {
    for (const policy of POLICIES.filter((candidate) => candidate.behaviour.kind === 'REINSTATED')) {
      const events = await eventsOf(policy.policyId);
      expect(events.filter((event) => event.type === 'PolicyReinstated')).toHaveLength(1);
      const noticesAfter = remindersIn(events).filter(
        (reminder) => reminder.kind === 'OVERDUE_NOTICE' && reminder.sentOn >= policy.reinstatedOn!,
      );
      expect(noticesAfter).toEqual([]);
      expect(events[events.length - 1].type).not.toBe('PolicyLapsed');
    }
  });

  it('expired lapses terminate (LAPSE_EXPIRED) on the day after the reinstatement deadline, not before', async () => {
    for (const policy of POLICIES.filter((candidate) => candidate.behaviour.kind === 'EXPIRED')) {
      const terminations = (await eventsOf(policy.policyId)).filter((event) => event.type === 'PolicyTerminated');
      expect(terminations.map(({ data }) => ({ terminatedOn: data.terminatedOn, reason: data.reason }))).toEqual([
        { terminatedOn: policy.terminatedOn, reason: 'LAPSE_EXPIRED' },
      ]);
    }
    expect(POLICIES.filter((p) => p.behaviour.kind === 'EXPIRED').map((p) => p.terminatedOn)).toEqual([
      '2025-03-13',
      '2025-08-31',
    ]);
  });

  it('every scheduler event carries channel SCHEDULER, actor system and its idempotency key; no command failed', async () => {
    const all = await store.readAll();
    const scheduled = all.filter(
      (event) => event.streamId.startsWith('policy-') && event.metadata.channel === 'SCHEDULER',
    );
    expect(scheduled.length).toBeGreaterThan(500);
    for (const event of scheduled) {
      expect(event.metadata.actor).toEqual({ id: 'system', roles: ['system'] });
      expect(event.metadata.idempotencyKey).toEqual(expect.stringMatching(/^(reminder|lapse|lapse-expired):/));
    }
    for (const report of reports.values()) {
      for (const counts of Object.values(report.actions)) expect(counts.failed).toBe(0);
    }
  });

  it('survival benefits due are listed on their due date for the policies in force', () => {
    const listed = reports.get(SURVIVAL_DUE)!.survivalBenefitsDue.map((row) => row.policyId);
    const expected = POLICIES.filter(
      (policy) => policy.survivalBenefit && statusOn(policy, SURVIVAL_DUE) === 'IN_FORCE',
    ).map((policy) => policy.policyId);
    expect(expected.length).toBeGreaterThan(3);
    expect(listed).toEqual(expected);
    const otherDays = [...reports.values()].filter((report) => report.date !== SURVIVAL_DUE);
    expect(otherDays.every((report) => report.survivalBenefitsDue.length === 0)).toBe(true);
  });

  it('running the whole year again (as a catch-up range) writes no new event', async () => {
    const before = (await store.readAll()).length;
    api.clock.setToday(WINDOW.to);
    const again = await runServicingDays(servicingDay, WINDOW);
    expect(again).toHaveLength(365);
    expect((await store.readAll()).length).toBe(before);
    const sent = again.reduce(
      (sum, report) => sum + Object.values(report.actions).reduce((acc, counts) => acc + counts.sent, 0),
      0,
    );
    expect(sent).toBe(0);
  }, 120_000);
});
