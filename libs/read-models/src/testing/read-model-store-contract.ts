/**
 * The behavioural suite every ReadModelStore passes (PostgreSQL and SQLite): a scripted servicing history, produced by
 * the domain's deciders, is applied in batches; the reports and scheduler queries must return the expected rows;
 * redelivery is harmless; the checkpoint advances; a rebuild swaps in identical tables while the old ones serve reads;
 * tables of an older layout are told apart from current ones and replaced by a rebuild.
 */
import { type EventStore, type RecordedEvent } from '@lib/event-sourcing';
import {
  CN_RULE_PROFILE,
  productDecider,
  productEventCodec,
  productStreamId,
  type BusinessDate,
  type ProductState,
  type ProductTerms,
} from '@lib/policy-domain';
import { ProjectionError } from '../projections/projection-event';
import { rebuildFromLog } from '../rebuild-from-log';
import { encodeCursor } from '../sql/report-queries';
import {
  InvalidReportQueryError,
  RebuildBehindLiveError,
  type PageRequest,
  type ReadModelReader,
  type ReadModelStore,
  type ReportPage,
} from '../read-model-store';
import { cny, encodeTestPosition, ScenarioLog } from './scenario-log';

export interface ReadModelStoreFixture {
  readonly store: ReadModelStore;
  /** A second store on the same tables, as another projector instance or process would open it. */
  openAnother(): Promise<ReadModelStore>;
  /**
   * Makes the live tables look like an older release's (store-specific SQL): premium_installments without its
   * last_reminded_on column, and the checkpoint with `stored` as its layout version, or (null) without the
   * layout_version column at all, as tables created before layout versions.
   */
  ageLayout(stored: string | null): Promise<void>;
  dispose(): Promise<void>;
}

/** The event store's `$all` over a list of events (all a rebuild from the log reads). */
function logOf(events: readonly RecordedEvent[]): EventStore {
  const readAll: EventStore['readAll'] = async (options = {}) => {
    const start = options.after === undefined ? 0 : events.findIndex((event) => event.position === options.after) + 1;
    return events.slice(start, start + (options.maxCount ?? events.length));
  };
  return { readAll } as Partial<EventStore> as EventStore;
}

/**
 * Branches BJ01 (NORTH) and SH01 (EAST); agents A-001, A-002 (BJ01) and A-003 (SH01).
 * P-0001 pays installment 2 · P-0002 is reminded and noticed, unpaid · P-0003 lapsed in 2024 (deadline 2026-03-11) ·
 * P-0004 moves from BJ01 to SH01 and pays there · P-0005 is paid up and receives a survival benefit, then is reassigned when
 * A-001 departs · P-0006 lapses and is reinstated.
 */
export function servicingHistory(): ScenarioLog {
  const log = new ScenarioLog()
    .registerAgent('A-001', 'BJ01', 'NORTH')
    .registerAgent('A-002', 'BJ01', 'NORTH')
    .registerAgent('A-003', 'SH01', 'EAST')
    .issue({ policyId: 'P-0001' })
    .issue({ policyId: 'P-0002', effectiveDate: '2024-05-20' })
    .issue({
      policyId: 'P-0003',
      effectiveDate: '2023-01-10',
      servicing: { branchCode: 'BJ01', region: 'NORTH', agentId: 'A-002' },
    })
    .issue({
      policyId: 'P-0004',
      effectiveDate: '2024-03-01',
      servicing: { branchCode: 'BJ01', region: 'NORTH', agentId: 'A-002' },
    })
    .issue({
      policyId: 'P-0005',
      effectiveDate: '2020-06-01',
      maturityDate: '2030-06-01',
      premium: { modalPremium: cny(80_000), frequency: 'ANNUAL', paymentTermYears: 5, paymentMethod: { type: 'CASH' } },
      survivalBenefits: [
        { periodNo: 1, kind: 'SURVIVAL', dueDate: '2025-06-01', amount: cny(300_000) },
        { periodNo: 2, kind: 'MATURITY', dueDate: '2030-06-01', amount: cny(1_000_000) },
      ],
    })
    .issue({
      policyId: 'P-0006',
      effectiveDate: '2023-09-01',
      servicing: { branchCode: 'BJ01', region: 'NORTH', agentId: 'A-002' },
    });
  log.pay('P-0005', '2021-06-01').pay('P-0005', '2022-06-01').pay('P-0005', '2023-06-01').pay('P-0005', '2024-06-01');
  log.lapse('P-0003', '2024-03-11');
  log.lapse('P-0006', '2024-11-01').reinstate('P-0006', '2025-02-01');
  log
    .transfer('P-0004', { branchCode: 'SH01', region: 'EAST', agentId: 'A-003' }, '2025-02-01')
    .pay('P-0004', '2025-03-05');
  log.pay('P-0001', '2025-03-10');
  log.remind('P-0002', 2, 'PRE_DUE', '2025-04-20').remind('P-0002', 2, 'OVERDUE_NOTICE', '2025-05-21');
  log.payBenefit('P-0005', 1, '2025-06-03');
  log.departAgent('A-001', '2025-06-15').reassignOrphan('P-0005', 'A-002', '2025-06-20');
  return log;
}

/**
 * Terms that end and loads on a past date. Agents B-001, B-002 (BR01) and X-001 (XB01).
 * EXPIRY: E-0001 in force and E-0002 lapsed, both maturing 2030-06-30 with no benefit plan; E-0003 matures
 * then too but pays a MATURITY benefit; E-0004 matures 2031-01-15 with only a SURVIVAL benefit.
 * Receivables (B-001): R-0001 monthly, one installment paid late and one on time after 2025-06-01 · R-0002 due
 * 2025-07-01 · R-0003 effective 2025-07-15 (installment 1 collected at issue) · R-0004 premiums waived from 2025-05-01
 * · R-0005 monthly with the last installment unpaid, ended by EXPIRY on 2025-06-20 · R-0006 lapsed in 2024,
 * reinstated 2025-06-15. B-002: R-0008 due 2025-06-15, unpaid.
 */
export function termEndsAndLoadsHistory(): ScenarioLog {
  const monthly = (paymentTermYears: number) => ({
    modalPremium: cny(10_000),
    frequency: 'MONTHLY' as const,
    paymentTermYears,
    paymentMethod: { type: 'CASH' as const },
  });
  const x = { branchCode: 'XB01', region: 'WEST', agentId: 'X-001' };
  const b1 = { branchCode: 'BR01', region: 'SOUTH', agentId: 'B-001' };
  const b2 = { branchCode: 'BR01', region: 'SOUTH', agentId: 'B-002' };
  const log = new ScenarioLog()
    .registerAgent('B-001', 'BR01', 'SOUTH')
    .registerAgent('B-002', 'BR01', 'SOUTH')
    .registerAgent('X-001', 'XB01', 'WEST');
  for (const policyId of ['E-0001', 'E-0002']) {
    log.issue({
      policyId,
      effectiveDate: '2020-06-30',
      maturityDate: '2030-06-30',
      survivalBenefits: [],
      servicing: x,
    });
  }
  log
    .lapse('E-0002', '2021-08-30')
    .issue({
      policyId: 'E-0003',
      effectiveDate: '2020-06-30',
      maturityDate: '2030-06-30',
      survivalBenefits: [{ periodNo: 1, kind: 'MATURITY', dueDate: '2030-06-30', amount: cny(2_000_000) }],
      servicing: x,
    })
    .issue({
      policyId: 'E-0004',
      effectiveDate: '2021-01-15',
      maturityDate: '2031-01-15',
      survivalBenefits: [{ periodNo: 1, kind: 'SURVIVAL', dueDate: '2026-01-15', amount: cny(500_000) }],
      servicing: x,
    });

  log
    .issue({ policyId: 'R-0001', effectiveDate: '2025-03-10', premium: monthly(10), servicing: b1 })
    .pay('R-0001', '2025-04-10')
    .pay('R-0001', '2025-06-05')
    .pay('R-0001', '2025-06-10')
    .issue({ policyId: 'R-0002', effectiveDate: '2024-07-01', servicing: b1 })
    .issue({ policyId: 'R-0003', effectiveDate: '2025-07-15', servicing: b1 })
    .issue({ policyId: 'R-0004', effectiveDate: '2023-07-20', servicing: b1 })
    .pay('R-0004', '2024-07-20')
    .waive('R-0004', '2025-05-01')
    .issue({
      policyId: 'R-0005',
      effectiveDate: '2024-06-20',
      maturityDate: '2025-06-20',
      premium: monthly(1),
      survivalBenefits: [],
      servicing: b1,
    });
  for (let month = 7; month <= 16; month++) {
    const date = month <= 12 ? `2024-${String(month).padStart(2, '0')}-20` : `2025-0${month - 12}-20`;
    log.pay('R-0005', date);
  }
  log
    .terminate('R-0005', '2025-06-20', 'EXPIRY')
    .issue({ policyId: 'R-0006', effectiveDate: '2023-02-01', servicing: b1 })
    .lapse('R-0006', '2024-04-02')
    .reinstate('R-0006', '2025-06-15')
    .issue({ policyId: 'R-0008', effectiveDate: '2024-06-15', servicing: b2 });
  return log;
}

const ENDOWMENT_TERMS: ProductTerms = {
  name: 'Golden Years Endowment (20 years)',
  kind: 'ENDOWMENT',
  jurisdiction: 'CN',
  currency: 'CNY',
  freeLook: { days: 15, costDeduction: cny(1_000) },
  grace: { noticeShortensGrace: false },
  cashValuePpm: [0, 30_000, 65_000],
  loan: { maxPercentOfCashValue: 80, interestBasisPoints: 500 },
  automaticPremiumLoan: true,
  nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
};

/**
 * Product versions published through the domain's decider, recorded as the event store would (log positions from
 * `firstSequence` on, so they can follow another scenario's events).
 */
function productPublications(
  firstSequence: number,
  publications: readonly { productCode: string; terms: ProductTerms; today: BusinessDate }[],
): RecordedEvent[] {
  const states = new Map<string, { revision: number; state: ProductState }>();
  return publications.flatMap(({ productCode, terms, today }, index) => {
    const entry = states.get(productCode) ?? { revision: -1, state: productDecider.initialState() };
    const command = { type: 'PublishProductVersion' as const, data: { productCode, terms }, context: { today } };
    const [event] = productDecider.decide(command, entry.state);
    entry.revision++;
    entry.state = productDecider.evolve(entry.state, event!);
    states.set(productCode, entry);
    const stored = JSON.parse(JSON.stringify(productEventCodec.encode(event!)));
    const eventId = `00000000-0000-4000-9000-${String(firstSequence + index).padStart(12, '0')}`;
    return [
      {
        streamId: productStreamId(productCode),
        revision: entry.revision,
        position: encodeTestPosition(firstSequence + index),
        eventId,
        type: stored.type,
        data: stored.data,
        metadata: {
          eventId,
          actor: { id: 'test', roles: ['product-manager'] },
          channel: 'REST',
          recordedAt: `${today}T09:00:00.000Z`,
          schemaVersion: stored.schemaVersion,
        },
      },
    ];
  });
}

/** CN-WL-1 v1, CN-ENDOW-20 v1 and v2 (renamed), US-WL-1 v1: four versions of three products. */
function catalogueHistory(firstSequence: number): RecordedEvent[] {
  const usTerms: ProductTerms = {
    ...ENDOWMENT_TERMS,
    name: 'Whole Life 100',
    kind: 'WHOLE_LIFE',
    jurisdiction: 'US',
    currency: 'USD',
    freeLook: { days: 10, costDeduction: { amount: 0, currency: 'USD' } },
  };
  return productPublications(firstSequence, [
    {
      productCode: 'CN-WL-1',
      terms: { ...ENDOWMENT_TERMS, name: '终身寿险', kind: 'WHOLE_LIFE' },
      today: '2025-01-02',
    },
    { productCode: 'CN-ENDOW-20', terms: ENDOWMENT_TERMS, today: '2025-01-02' },
    { productCode: 'US-WL-1', terms: usTerms, today: '2025-02-01' },
    { productCode: 'CN-ENDOW-20', terms: { ...ENDOWMENT_TERMS, name: 'Golden Years 2025' }, today: '2025-03-01' },
  ]);
}

function batches(events: readonly RecordedEvent[], size: number): RecordedEvent[][] {
  const result: RecordedEvent[][] = [];
  for (let start = 0; start < events.length; start += size) result.push(events.slice(start, start + size));
  return result;
}

async function applyAll(
  store: { applyBatch: ReadModelStore['applyBatch'] },
  events: readonly RecordedEvent[],
  size = 7,
) {
  for (const batch of batches(events, size)) await store.applyBatch(batch);
}

/** Every row of a report, following the cursors page by page. */
export async function allRows<Row>(
  fetch: (page: PageRequest) => Promise<ReportPage<Row>>,
  limit = 1000,
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page: ReportPage<Row> = await fetch({ limit, cursor });
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return rows;
}

/** Every report and scheduler query over the whole history, for before/after comparisons. */
export async function reportSnapshot(reader: ReadModelReader) {
  const wholeHistory = { from: '2000-01-01', to: '2099-12-31' };
  return {
    checkpoint: await reader.checkpoint(),
    premiumsDue: await allRows((page) => reader.premiumsDue({ ...wholeHistory, asOf: '2025-06-01', ...page })),
    servicingActivity: await allRows((page) => reader.servicingActivity({ ...wholeHistory, ...page })),
    agentWorkload: await allRows((page) => reader.agentWorkload({ asOf: '2025-06-01', ...page })),
    survivalBenefits: await allRows((page) => reader.survivalBenefits({ ...wholeHistory, ...page })),
    lapses: await allRows((page) => reader.lapses({ ...wholeHistory, ...page })),
    transfers: await allRows((page) => reader.transfers({ ...wholeHistory, ...page })),
    dueBetween: await allRows((page) => reader.installmentsDueBetween({ ...wholeHistory, ...page })),
    lapseCandidates: await allRows((page) => reader.policiesEligibleForLapse({ date: '2099-12-31', ...page })),
    expiredLapses: await allRows((page) => reader.lapsedWithDeadlineBefore({ date: '2099-12-31', ...page })),
    expiring: await allRows((page) => reader.policiesExpiringBy({ date: '2099-12-31', ...page })),
    summaries: await Promise.all(
      ['P-0001', 'P-0002', 'P-0003', 'P-0004', 'P-0005', 'P-0006'].map((id) => reader.policySummary(id)),
    ),
  };
}

export function describeReadModelStoreContract(
  name: string,
  createFixture: () => Promise<ReadModelStoreFixture>,
): void {
  describe(`${name} read-model store`, () => {
    const history = servicingHistory();

    describe('reports over a scripted servicing history', () => {
      let fixture: ReadModelStoreFixture;
      let store: ReadModelStore;

      beforeAll(async () => {
        fixture = await createFixture();
        store = fixture.store;
        await applyAll(store, history.events);
      });
      afterAll(() => fixture?.dispose());

      it('premiums due: installments due in the range with status and overdue flag, by due date', async () => {
        const page = await store.premiumsDue({ from: '2025-01-01', to: '2025-12-31', asOf: '2025-06-01' });

        expect(page.rows.map((row) => [row.policyId, row.installmentNo, row.dueDate, row.status, row.overdue])).toEqual(
          [
            ['P-0003', 3, '2025-01-10', 'DUE', true],
            ['P-0004', 2, '2025-03-01', 'PAID', false],
            ['P-0001', 2, '2025-03-15', 'PAID', false],
            ['P-0002', 2, '2025-05-20', 'REMINDED', true],
            ['P-0006', 3, '2025-09-01', 'DUE', false],
          ],
        );
        expect(page.rows[3]).toMatchObject({
          amount: 120_000,
          currency: 'CNY',
          preDueReminders: 1,
          overdueNotices: 1,
          lastRemindedOn: '2025-05-21',
          policyStatus: 'IN_FORCE',
          branchCode: 'BJ01',
          region: 'NORTH',
          agentId: 'A-001',
        });
        expect(page.rows[1]).toMatchObject({ paidOn: '2025-03-05', settledBy: 'PREMIUM_PAYMENT', branchCode: 'SH01' });
        expect(page.nextCursor).toBeNull();
      });

      it('premiums due filtered by branch: the policy moved to SH01 no longer counts for BJ01', async () => {
        const bj01 = await store.premiumsDue({
          from: '2025-01-01',
          to: '2025-12-31',
          asOf: '2025-06-01',
          branchCode: 'BJ01',
        });
        const sh01 = await store.premiumsDue({
          from: '2025-01-01',
          to: '2025-12-31',
          asOf: '2025-06-01',
          branchCode: 'SH01',
        });

        expect(bj01.rows.map((row) => row.policyId)).toEqual(['P-0003', 'P-0001', 'P-0002', 'P-0006']);
        expect(sh01.rows.map((row) => row.policyId)).toEqual(['P-0004']);
      });

      it('servicing activity: transactions per business day, branch and type', async () => {
        const page = await store.servicingActivity({ from: '2025-01-01', to: '2025-12-31' });

        expect(page.rows).toEqual([
          { activityDate: '2025-02-01', branchCode: 'BJ01', transactionType: 'PolicyReinstated', transactions: 1 },
          { activityDate: '2025-02-01', branchCode: 'BJ01', transactionType: 'PolicyTransferred', transactions: 1 },
          { activityDate: '2025-03-05', branchCode: 'SH01', transactionType: 'PremiumPaid', transactions: 1 },
          { activityDate: '2025-03-10', branchCode: 'BJ01', transactionType: 'PremiumPaid', transactions: 1 },
          { activityDate: '2025-04-20', branchCode: 'BJ01', transactionType: 'PremiumReminderSent', transactions: 1 },
          { activityDate: '2025-05-21', branchCode: 'BJ01', transactionType: 'PremiumReminderSent', transactions: 1 },
          { activityDate: '2025-06-03', branchCode: 'BJ01', transactionType: 'SurvivalBenefitPaid', transactions: 1 },
          {
            activityDate: '2025-06-20',
            branchCode: 'BJ01',
            transactionType: 'OrphanPolicyReassigned',
            transactions: 1,
          },
        ]);
        const sh01 = await store.servicingActivity({ from: '2025-01-01', to: '2025-12-31', branchCode: 'SH01' });
        expect(sh01.rows.map((row) => row.activityDate)).toEqual(['2025-03-05']);
        const issues = await store.servicingActivity({ from: '2020-06-01', to: '2020-06-01' });
        expect(issues.rows).toEqual([
          { activityDate: '2020-06-01', branchCode: 'BJ01', transactionType: 'PolicyIssued', transactions: 1 },
        ]);
      });

      it('agent workload: policies, open receivables and orphans; a departed agent’s policies are orphans until reassigned', async () => {
        const north = await store.agentWorkload({ branchCode: 'BJ01', asOf: '2025-06-01' });

        expect(
          north.rows.map((row) => [row.agentId, row.status, row.policies, row.openReceivables, row.orphans]),
        ).toEqual([
          ['A-001', 'DEPARTED', 2, 1, 2],
          ['A-002', 'ACTIVE', 3, 2, 0],
        ]);
        expect(north.rows[0]).toMatchObject({ departedOn: '2025-06-15', reassignment: 'MANUAL', region: 'NORTH' });
        const east = await store.agentWorkload({ region: 'EAST', asOf: '2025-06-01' });
        expect(east.rows.map((row) => [row.agentId, row.policies, row.openReceivables, row.orphans])).toEqual([
          ['A-003', 1, 0, 0],
        ]);
      });

      it('open receivables look 60 days ahead of asOf', async () => {
        // P-0006 installment 3 falls due 2025-09-01: inside the horizon from 2025-07-03 on.
        const before = await store.agentWorkload({ branchCode: 'BJ01', asOf: '2025-07-02' });
        const after = await store.agentWorkload({ branchCode: 'BJ01', asOf: '2025-07-03' });

        expect(before.rows.find((row) => row.agentId === 'A-002')!.openReceivables).toBe(2);
        expect(after.rows.find((row) => row.agentId === 'A-002')!.openReceivables).toBe(3);
      });

      it('survival benefits: due or paid in the range', async () => {
        const page = await store.survivalBenefits({ from: '2025-01-01', to: '2025-12-31' });

        expect(page.rows).toEqual([
          {
            policyId: 'P-0005',
            periodNo: 1,
            kind: 'SURVIVAL',
            dueDate: '2025-06-01',
            amount: 300_000,
            currency: 'CNY',
            status: 'PAID',
            paidOn: '2025-06-03',
            paymentRef: 'PAY-P-0005-1',
            payeeName: 'Li Wei',
            policyStatus: 'IN_FORCE',
            branchCode: 'BJ01',
          },
        ]);
      });

      it('lapses: lapses that began, were reinstated or ended in the range', async () => {
        const in2024 = await store.lapses({ from: '2024-01-01', to: '2024-12-31' });
        const in2025 = await store.lapses({ from: '2025-01-01', to: '2025-12-31' });

        expect(in2024.rows.map((row) => [row.policyId, row.lapseNo, row.lapsedOn, row.status])).toEqual([
          ['P-0003', 1, '2024-03-11', 'LAPSED'],
          ['P-0006', 1, '2024-11-01', 'REINSTATED'],
        ]);
        expect(in2024.rows[0]).toMatchObject({
          reinstatementDeadline: '2026-03-11',
          installmentNo: 2,
          branchCode: 'BJ01',
        });
        expect(in2025.rows).toHaveLength(1);
        expect(in2025.rows[0]).toMatchObject({
          policyId: 'P-0006',
          reinstatedOn: '2025-02-01',
          installmentsCovered: 1,
          reinstatementPremiums: 120_000,
        });
        expect(in2025.rows[0]!.reinstatementTotal).toBe(120_000 + in2025.rows[0]!.reinstatementInterest!);
      });

      it('transfers: effective in the range, with both branches and agents', async () => {
        const page = await store.transfers({ from: '2025-01-01', to: '2025-12-31' });

        expect(page.rows).toEqual([
          {
            policyId: 'P-0004',
            revision: 1,
            effectiveDate: '2025-02-01',
            reason: 'RELOCATION',
            fromBranchCode: 'BJ01',
            toBranchCode: 'SH01',
            fromRegion: 'NORTH',
            toRegion: 'EAST',
            fromAgentId: 'A-002',
            toAgentId: 'A-003',
          },
        ]);
        expect((await store.transfers({ from: '2025-02-02', to: '2025-12-31' })).rows).toEqual([]);
      });

      it('policy summary: the per-policy context', async () => {
        expect(await store.policySummary('P-0002')).toMatchObject({
          status: 'IN_FORCE',
          agentId: 'A-001',
          nextInstallmentNo: 2,
          nextDueDate: '2025-05-20',
          // CN by default: due + 60 days' grace, then the day after; the overdue notice (no delivery recorded, and no
          // product notice rule) does not bring it forward.
          lapseEligibleFrom: '2025-07-20',
          premiumWaiver: false,
        });
        expect(await store.policySummary('P-0005')).toMatchObject({
          agentId: 'A-002',
          nextInstallmentNo: null,
          paidInstallments: 5,
        });
        expect(await store.policySummary('P-0404')).toBeNull();
      });

      it('policies of an agent: the open ones it services now, in policyId order', async () => {
        // P-0004 moved to A-003; P-0005 came to A-002 when A-001 departed; P-0003 is lapsed (still open).
        expect(await store.policiesOfAgent('A-002')).toEqual(['P-0003', 'P-0005', 'P-0006']);
        expect(await store.policiesOfAgent('A-001')).toEqual(['P-0001', 'P-0002']);
        expect(await store.policiesOfAgent('A-003')).toEqual(['P-0004']);
        expect(await store.policiesOfAgent('A-404')).toEqual([]);
      });

      it('stream revisions: the last applied revision of each stream asked for; unknown streams are absent', async () => {
        const lastRevision = (streamId: string) =>
          Math.max(...history.events.filter((event) => event.streamId === streamId).map((event) => event.revision));

        const revisions = await store.streamRevisions(['policy-P-0005', 'agent-A-001', 'policy-P-0404']);

        expect(revisions).toEqual(
          new Map([
            ['policy-P-0005', lastRevision('policy-P-0005')],
            ['agent-A-001', lastRevision('agent-A-001')],
          ]),
        );
        expect(await store.streamRevisions([])).toEqual(new Map());
      });

      it.each([
        ['values of the wrong types', ['x', 'P', 'y']],
        ['a date that does not exist', ['2025-02-30', 'P-0001', 1]],
        ['a number beyond every integer column', ['2025-03-15', 'P-0001', 2 ** 31]],
        ['a number JSON cannot hold (1e400)', '["2025-03-15","P-0001",1e400]'],
        ['a fraction for an integer', ['2025-03-15', 'P-0001', 1.5]],
        ['a NUL in a text value', ['2025-03-15', 'P-\u00001', 1]],
        ['null values', [null, null, null]],
      ])('a cursor with %s is an invalid query, not a database error', async (_case, values) => {
        const cursor =
          typeof values === 'string' ? Buffer.from(values).toString('base64url') : encodeCursor(values as never);

        await expect(
          (async () => store.premiumsDue({ from: '2025-01-01', to: '2025-12-31', asOf: '2025-06-01', cursor }))(),
        ).rejects.toThrow(InvalidReportQueryError);
      });

      it('a NUL in a text filter is an invalid query, not a database error', async () => {
        await expect((async () => store.agentWorkload({ region: 'EA\u0000ST', asOf: '2025-06-01' }))()).rejects.toThrow(
          InvalidReportQueryError,
        );
      });

      it('scheduler: open installments due in a window (pre-due reminders)', async () => {
        const page = await store.installmentsDueBetween({ from: '2025-09-01', to: '2025-09-01' });

        expect(page.rows.map((row) => [row.policyId, row.installmentNo, row.status, row.branchCode])).toEqual([
          ['P-0006', 3, 'DUE', 'BJ01'],
        ]);
      });

      it('scheduler: open installments of in-force policies due before a date (overdue notices)', async () => {
        const page = await store.unpaidInstallmentsDueBefore({ date: '2025-06-01' });

        expect(page.rows.map((row) => [row.policyId, row.installmentNo, row.overdueNotices])).toEqual([
          ['P-0002', 2, 1],
        ]);
        expect((await store.unpaidInstallmentsDueBefore({ date: '2025-05-20' })).rows).toEqual([]);
      });

      it('scheduler: policies that may lapse on a date', async () => {
        expect((await store.policiesEligibleForLapse({ date: '2025-07-19' })).rows).toEqual([]);
        expect((await store.policiesEligibleForLapse({ date: '2025-07-20' })).rows).toEqual([
          {
            policyId: 'P-0002',
            installmentNo: 2,
            dueDate: '2025-05-20',
            lapseEligibleFrom: '2025-07-20',
            branchCode: 'BJ01',
            agentId: 'A-001',
            automaticPremiumLoan: false,
          },
        ]);
      });

      it('scheduler: lapses past their reinstatement deadline (LAPSE_EXPIRED)', async () => {
        expect((await store.lapsedWithDeadlineBefore({ date: '2026-03-11' })).rows).toEqual([]);
        const page = await store.lapsedWithDeadlineBefore({ date: '2026-03-12' });
        expect(page.rows.map((row) => [row.policyId, row.lapseNo, row.reinstatementDeadline])).toEqual([
          ['P-0003', 1, '2026-03-11'],
        ]);
      });

      it('scheduler: survival benefits due on a date, for in-force policies', async () => {
        const page = await store.survivalBenefitsDueOn({ date: '2029-03-15' });

        expect(page.rows.map((row) => [row.policyId, row.periodNo])).toEqual([
          ['P-0001', 1],
          ['P-0002', 1],
          ['P-0004', 1],
          ['P-0006', 1],
        ]);
      });

      it('pages walk a report in a stable order without repeats or gaps', async () => {
        const whole = await store.premiumsDue({
          from: '2020-01-01',
          to: '2035-12-31',
          asOf: '2025-06-01',
          limit: 1000,
        });
        const paged = await allRows(
          (page) => store.premiumsDue({ from: '2020-01-01', to: '2035-12-31', asOf: '2025-06-01', ...page }),
          3,
        );

        expect(whole.rows.length).toBeGreaterThan(20);
        expect(paged).toEqual(whole.rows);
      });

      it('every report says how far the model has caught up', async () => {
        const page = await store.transfers({ from: '2025-01-01', to: '2025-12-31' });
        const last = history.events.at(-1)!;

        expect(page.checkpoint).toEqual({
          position: last.position,
          lastRecordedAt: last.metadata.recordedAt,
          eventsApplied: history.events.length,
          quarantinedStreams: 0,
        });
      });
    });

    describe('payables (DESIGN 2.9)', () => {
      let fixture: ReadModelStoreFixture;
      let store: ReadModelStore;
      const owed = new ScenarioLog()
        // Effective 2024-03-15, 120,000 a year, SA 10,000,000; table [0, 3 %, 6.5 %] of the sum assured.
        .issue({ policyId: 'Q-0001' }, CN_RULE_PROFILE, [0, 30_000, 65_000])
        .pay('Q-0001', '2025-03-15')
        .pay('Q-0001', '2026-03-15')
        // 184 of 365 days into year 3: 300,000 + round_half_up(350,000 × 184 / 365) = 476,438, due by 2026-10-15.
        .surrender('Q-0001', '2026-09-15')
        .issue({ policyId: 'Q-0002' }, CN_RULE_PROFILE, [0, 30_000, 65_000])
        // Not delivered yet: all 120,000 back (the scenario product deducts nothing), due by 2024-04-19.
        .cancelInFreeLook('Q-0002', '2024-03-20')
        .payout('Q-0002', 'Q-0002-P1', '2024-04-10');

      beforeAll(async () => {
        fixture = await createFixture();
        store = fixture.store;
        await applyAll(store, owed.events, 3);
      });
      afterAll(() => fixture?.dispose());

      it('one row per payable with its deadline and payout, by deadline; overdue judged on asOf', async () => {
        const page = await store.payables({ from: '2024-01-01', to: '2026-12-31', asOf: '2026-10-16' });

        expect(page.rows).toEqual([
          {
            payableId: 'Q-0002-P1',
            policyId: 'Q-0002',
            branchCode: 'BJ01',
            kind: 'FREE_LOOK_REFUND',
            amount: 120_000,
            currency: 'CNY',
            createdOn: '2024-03-20',
            dueBy: '2024-04-19',
            status: 'PAID',
            overdue: false,
            paidOn: '2024-04-10',
            paymentRef: 'TRF-Q-0002-P1',
          },
          {
            payableId: 'Q-0001-P1',
            policyId: 'Q-0001',
            branchCode: 'BJ01',
            kind: 'SURRENDER',
            amount: 476_438,
            currency: 'CNY',
            createdOn: '2026-09-15',
            dueBy: '2026-10-15',
            status: 'DUE',
            overdue: true,
            paidOn: null,
            paymentRef: null,
          },
        ]);
      });

      it('filters by status: DUE, OVERDUE (on asOf), PAID; by deadline range', async () => {
        const ids = async (query: Partial<Parameters<ReadModelStore['payables']>[0]>) =>
          (await store.payables({ from: '2024-01-01', to: '2026-12-31', asOf: '2026-10-15', ...query })).rows.map(
            (row) => row.payableId,
          );
        expect(await ids({ status: 'DUE' })).toEqual(['Q-0001-P1']);
        // Due by 2026-10-15: not overdue on that day, overdue the day after.
        expect(await ids({ status: 'OVERDUE' })).toEqual([]);
        expect(await ids({ status: 'OVERDUE', asOf: '2026-10-16' })).toEqual(['Q-0001-P1']);
        expect(await ids({ status: 'PAID' })).toEqual(['Q-0002-P1']);
        expect(await ids({ status: 'WITHDRAWN' })).toEqual([]);
        expect(await ids({ from: '2025-01-01' })).toEqual(['Q-0001-P1']);
      });
    });

    describe('loans (DESIGN 2.10)', () => {
      let fixture: ReadModelStoreFixture;
      let store: ReadModelStore;
      const lending = { maxPercentOfCashValue: 80, interestBasisPoints: 500 };
      const loans = new ScenarioLog()
        // Effective 2024-03-15, paid through installment 3; on 2026-09-15 the cash value is 476,438 (80 %: 381,150).
        .issue({ policyId: 'K-0001' }, CN_RULE_PROFILE, [0, 30_000, 65_000], lending)
        .pay('K-0001', '2025-03-15')
        .pay('K-0001', '2026-03-15')
        .grantLoan('K-0001', 300_000, '2026-09-15')
        .issue(
          { policyId: 'K-0002', servicing: { branchCode: 'SH01', region: 'EAST', agentId: 'A-003' } },
          CN_RULE_PROFILE,
          [0, 30_000, 65_000],
          lending,
        )
        .pay('K-0002', '2025-03-15')
        .pay('K-0002', '2026-03-15')
        .grantLoan('K-0002', 100_000, '2026-09-15')
        // 30 days: round_half_up(100,000 × 5 % × 30 / 365 = 410.96…) = 411 of interest first, then all the principal.
        .repayLoan('K-0002', 100_411, '2026-10-15');

      beforeAll(async () => {
        fixture = await createFixture();
        store = fixture.store;
        await applyAll(store, loans.events, 4);
      });
      afterAll(() => fixture?.dispose());

      it('the accounts owed, by policy; a repaid one is CLEARED and left out; by branch', async () => {
        const page = await store.loans({});
        expect(page.rows).toEqual([
          {
            policyId: 'K-0001',
            branchCode: 'BJ01',
            currency: 'CNY',
            balance: 300_000,
            accruedInterest: 0,
            accruedThrough: '2026-09-15',
            interestBasisPoints: 500,
            nextCapitalizationOn: '2027-03-15',
            loanCount: 1,
            status: 'OPEN',
          },
        ]);
        expect((await store.loans({ branchCode: 'SH01' })).rows).toEqual([]);
      });

      it('scheduler: the accounts whose capitalization is due on or before a date', async () => {
        expect((await store.loansDueForCapitalization({ date: '2027-03-14' })).rows).toEqual([]);
        const due = await store.loansDueForCapitalization({ date: '2027-03-15' });
        expect(due.rows.map((row) => [row.policyId, row.nextCapitalizationOn])).toEqual([['K-0001', '2027-03-15']]);
      });
    });

    describe('product catalogue (product streams)', () => {
      let fixture: ReadModelStoreFixture;
      let store: ReadModelStore;
      const catalogue = catalogueHistory(1);

      beforeEach(async () => {
        fixture = await createFixture();
        store = fixture.store;
      });
      afterEach(() => fixture?.dispose());

      const cnEndowment = {
        productCode: 'CN-ENDOW-20',
        latestVersion: 2,
        name: 'Golden Years 2025',
        kind: 'ENDOWMENT',
        jurisdiction: 'CN',
        currency: 'CNY',
        publishedOn: '2025-03-01',
      };
      const cnWholeLife = {
        productCode: 'CN-WL-1',
        latestVersion: 1,
        name: '终身寿险',
        kind: 'WHOLE_LIFE',
        jurisdiction: 'CN',
        currency: 'CNY',
        publishedOn: '2025-01-02',
      };
      const usWholeLife = {
        productCode: 'US-WL-1',
        latestVersion: 1,
        name: 'Whole Life 100',
        kind: 'WHOLE_LIFE',
        jurisdiction: 'US',
        currency: 'USD',
        publishedOn: '2025-02-01',
      };

      it('one row per product, its latest version, by product code; the page says how far the model has caught up', async () => {
        await applyAll(store, catalogue, 3);

        const page = await store.products({});

        expect(page.rows).toEqual([cnEndowment, cnWholeLife, usWholeLife]);
        expect(page.nextCursor).toBeNull();
        expect(page.checkpoint).toEqual({
          position: catalogue[3]!.position,
          lastRecordedAt: '2025-03-01T09:00:00.000Z',
          eventsApplied: 4,
          quarantinedStreams: 0,
        });
        expect(await store.streamRevisions(['product-CN-ENDOW-20', 'product-US-WL-1'])).toEqual(
          new Map([
            ['product-CN-ENDOW-20', 1],
            ['product-US-WL-1', 0],
          ]),
        );
      });

      it('pages of 2: the cursor continues after the last code, without repeats or gaps', async () => {
        await applyAll(store, catalogue);

        const first = await store.products({ limit: 2 });
        const second = await store.products({ limit: 2, cursor: first.nextCursor });

        expect(first.rows.map((row) => row.productCode)).toEqual(['CN-ENDOW-20', 'CN-WL-1']);
        expect(second.rows).toEqual([usWholeLife]);
        expect(second.nextCursor).toBeNull();
        await expect((async () => store.products({ limit: 1001 }))()).rejects.toThrow(InvalidReportQueryError);
      });

      it('a redelivered older version is skipped: the row keeps the latest version', async () => {
        await applyAll(store, catalogue);

        const again = await store.applyBatch([catalogue[1]!]);

        expect(again).toMatchObject({ applied: 0, skipped: 1 });
        expect((await store.products({})).rows[0]).toEqual(cnEndowment);
      });

      it('product streams stored between batches carry on: version 2 after version 1 in an earlier batch', async () => {
        await store.applyBatch(catalogue.slice(0, 2));
        const reopened = await fixture.openAnother();
        try {
          await reopened.applyBatch(catalogue.slice(2));
          expect((await reopened.products({})).rows).toEqual([cnEndowment, cnWholeLife, usWholeLife]);
        } finally {
          await reopened.close();
        }
      });

      it('a rebuild from the log projects the products with the policies and agents', async () => {
        const log = [...history.events, ...catalogueHistory(history.events.length + 1)];
        await applyAll(store, log);
        const rebuilding = await store.beginRebuild();
        await applyAll(rebuilding, log, 50);
        await rebuilding.completeRebuild();

        expect((await store.products({})).rows).toEqual([cnEndowment, cnWholeLife, usWholeLife]);
        expect((await store.checkpoint()).eventsApplied).toBe(log.length);
      });
    });

    describe('terms that end, and loads as of a past date', () => {
      let fixture: ReadModelStoreFixture;
      let store: ReadModelStore;

      beforeAll(async () => {
        fixture = await createFixture();
        store = fixture.store;
        await applyAll(store, termEndsAndLoadsHistory().events);
      });
      afterAll(() => fixture?.dispose());

      it('scheduler: open policies whose term ended by a date without a MATURITY benefit (EXPIRY)', async () => {
        expect((await store.policiesExpiringBy({ date: '2030-06-29' })).rows).toEqual([]);
        expect((await store.policiesExpiringBy({ date: '2030-06-30' })).rows).toEqual([
          { policyId: 'E-0001', status: 'IN_FORCE', maturityDate: '2030-06-30', branchCode: 'XB01', agentId: 'X-001' },
          { policyId: 'E-0002', status: 'LAPSED', maturityDate: '2030-06-30', branchCode: 'XB01', agentId: 'X-001' },
        ]);
        const byLaterDate = await allRows((page) => store.policiesExpiringBy({ date: '2031-01-15', ...page }), 1);
        // R-0005 ended by EXPIRY already; E-0003 matures by paying its MATURITY benefit.
        expect(byLaterDate.map((row) => [row.policyId, row.maturityDate])).toEqual([
          ['E-0001', '2030-06-30'],
          ['E-0002', '2030-06-30'],
          ['E-0004', '2031-01-15'],
        ]);
      });

      it('open receivables as of a past date count what was unpaid then, not what is unpaid now', async () => {
        // As of 2025-06-01 (horizon 2025-07-31), B-001: R-0001 05-10 (paid 06-05), 06-10 (paid 06-10), 07-10 (unpaid)
        // = 3 · R-0002 2025-07-01 = 1 · R-0003 installment 1, collected at issue = 0 · R-0004 waived = 0 · R-0005 2025-05-20,
        // unpaid when EXPIRY ended the policy on 06-20 = 1 · R-0006 installments 2 and 3, paid by the reinstatement on
        // 06-15 = 2. Total 7. B-002: R-0008 2025-06-15 = 1.
        const onFirstOfJune = await store.agentWorkload({ branchCode: 'BR01', asOf: '2025-06-01' });
        // As of 2025-06-25 (horizon 2025-08-24): R-0001 07-10 and 08-10 = 2 · R-0002 = 1 · R-0005 closed, R-0006 paid.
        const afterwards = await store.agentWorkload({ branchCode: 'BR01', asOf: '2025-06-25' });

        expect(onFirstOfJune.rows.map((row) => [row.agentId, row.policies, row.openReceivables])).toEqual([
          ['B-001', 5, 7],
          ['B-002', 1, 1],
        ]);
        expect(afterwards.rows.map((row) => [row.agentId, row.policies, row.openReceivables])).toEqual([
          ['B-001', 5, 3],
          ['B-002', 1, 1],
        ]);
      });
    });

    describe('exactly-once effect', () => {
      let fixture: ReadModelStoreFixture;

      beforeEach(async () => {
        fixture = await createFixture();
      });
      afterEach(() => fixture?.dispose());

      it('the checkpoint advances batch by batch: position and recordedAt of the last event, events applied', async () => {
        const { store } = fixture;
        expect(await store.checkpoint()).toEqual({
          position: null,
          lastRecordedAt: null,
          eventsApplied: 0,
          quarantinedStreams: 0,
        });

        const first = await store.applyBatch(history.events.slice(0, 5));
        expect(first).toEqual({
          applied: 5,
          skipped: 0,
          ignored: 0,
          quarantined: 0,
          checkpoint: {
            position: history.events[4]!.position,
            lastRecordedAt: history.events[4]!.metadata.recordedAt,
            eventsApplied: 5,
            quarantinedStreams: 0,
          },
        });
        await store.applyBatch(history.events.slice(5, 9));
        expect(await store.checkpoint()).toMatchObject({ position: history.events[8]!.position, eventsApplied: 9 });
      });

      it('events applied out of log order (Kafka partitions): the checkpoint passes positions whose streams lag', async () => {
        const { store } = fixture;
        const log = new ScenarioLog().registerAgent('A-101', 'BJ01', 'NORTH').registerAgent('A-102', 'BJ01', 'NORTH');
        const [earlier, later] = log.events;

        await store.applyBatch([later!]);

        expect((await store.checkpoint()).position).toBe(later!.position);
        expect(await store.streamRevisions(['agent-A-101', 'agent-A-102'])).toEqual(new Map([['agent-A-102', 0]]));
        await store.applyBatch([earlier!]);
        expect(await store.streamRevisions(['agent-A-101', 'agent-A-102'])).toEqual(
          new Map([
            ['agent-A-101', 0],
            ['agent-A-102', 0],
          ]),
        );
        expect((await store.checkpoint()).position).toBe(later!.position);
      });

      it('applying the same batch twice changes nothing', async () => {
        const { store } = fixture;
        await applyAll(store, history.events);
        const before = await reportSnapshot(store);

        const again = await store.applyBatch(history.events);

        expect(again).toMatchObject({ applied: 0, skipped: history.events.length });
        expect(await reportSnapshot(store)).toEqual(before);
      });

      it('an event with an older revision is skipped, the newer ones of the batch apply', async () => {
        const { store } = fixture;
        const log = new ScenarioLog().issue({ policyId: 'P-0009' }).pay('P-0009', '2025-03-10');
        await store.applyBatch(log.events);
        const paidBefore = await store.premiumsDue({ from: '2025-01-01', to: '2025-12-31', asOf: '2025-06-01' });
        const mark = log.events.length;
        log.pay('P-0009', '2026-03-10');

        const result = await store.applyBatch([log.events[1]!, log.events[0]!, ...log.since(mark)]);

        expect(result).toMatchObject({ applied: 1, skipped: 2 });
        expect((await store.premiumsDue({ from: '2025-01-01', to: '2025-12-31', asOf: '2025-06-01' })).rows).toEqual(
          paidBefore.rows,
        );
        const activity = await store.servicingActivity({ from: '2025-03-10', to: '2025-03-10' });
        expect(activity.rows.map((row) => row.transactions)).toEqual([1]);
        expect((await store.checkpoint()).eventsApplied).toBe(3);
      });

      it('a batch with an event that cannot be projected applies nothing', async () => {
        const { store } = fixture;
        const log = new ScenarioLog()
          .issue({ policyId: 'P-0009' })
          .pay('P-0009', '2025-03-10')
          .pay('P-0009', '2026-03-10');
        await store.applyBatch(log.events.slice(0, 1));

        await expect(store.applyBatch([log.events[2]!])).rejects.toThrow(ProjectionError);

        expect(await store.checkpoint()).toMatchObject({ position: log.events[0]!.position, eventsApplied: 1 });
        expect((await store.policySummary('P-0009'))!.paidInstallments).toBe(1);
      });

      it('two writers delivering the same events concurrently apply each event once', async () => {
        const another = await fixture.openAnother();
        try {
          const all = batches(history.events, 10);
          await Promise.all([
            (async () => {
              for (const batch of all) await fixture.store.applyBatch(batch);
            })(),
            (async () => {
              for (const batch of all) await another.applyBatch(batch);
            })(),
          ]);
        } finally {
          await another.close();
        }

        const checkpoint = await fixture.store.checkpoint();
        expect(checkpoint.eventsApplied).toBe(history.events.length);
        const activity = await allRows((page) =>
          fixture.store.servicingActivity({ from: '2000-01-01', to: '2099-12-31', ...page }),
        );
        const transactions = activity.reduce((sum, row) => sum + row.transactions, 0);
        const policyEvents = history.events.filter((event) => event.streamId.startsWith('policy-')).length;
        expect(transactions).toBe(policyEvents);
      });
    });

    describe('quarantine of a stream at an event that cannot be projected', () => {
      let fixture: ReadModelStoreFixture;

      beforeEach(async () => {
        fixture = await createFixture();
      });
      afterEach(() => fixture?.dispose());

      /** P-0009: issued, then a poison event (an unknown type) at revision 1, then a payment; P-0010 issued after. */
      function poisonedLog() {
        const log = new ScenarioLog()
          .issue({ policyId: 'P-0009' })
          .pay('P-0009', '2025-03-10')
          .pay('P-0009', '2026-03-10')
          .issue({ policyId: 'P-0010' });
        const [issued, paid, later, other] = log.events as [RecordedEvent, RecordedEvent, RecordedEvent, RecordedEvent];
        const poison: RecordedEvent = { ...paid, type: 'PolicyTeleported' };
        return { issued, paid, poison, later, other };
      }

      it('after quarantine the stream is passed over; other streams apply; the checkpoint moves past its events', async () => {
        const { store } = fixture;
        const { issued, poison, later, other } = poisonedLog();
        await store.applyBatch([issued]);
        await expect(store.applyBatch([poison])).rejects.toThrow(ProjectionError);

        await expect(
          store.quarantineStream(poison, 'unknown event type PolicyTeleported', { moveCheckpoint: true }),
        ).resolves.toBe(true);

        expect(await store.checkpoint()).toEqual({
          position: poison.position,
          lastRecordedAt: poison.metadata.recordedAt,
          eventsApplied: 1,
          quarantinedStreams: 1,
        });
        expect(await store.quarantinedStreams()).toEqual([
          {
            streamId: poison.streamId,
            revision: 1,
            eventType: 'PolicyTeleported',
            position: poison.position,
            reason: 'unknown event type PolicyTeleported',
            quarantinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
          },
        ]);
        // The stream's next event (a revision gap otherwise) is passed over; another stream applies.
        const result = await store.applyBatch([later, other]);
        expect(result).toMatchObject({ applied: 1, skipped: 0, quarantined: 1 });
        expect(result.checkpoint).toMatchObject({ position: other.position, eventsApplied: 2, quarantinedStreams: 1 });
        expect((await store.policySummary('P-0009'))!.paidInstallments).toBe(1);
        expect(await store.policySummary('P-0010')).not.toBeNull();
        expect(await store.streamRevisions([issued.streamId])).toEqual(new Map([[issued.streamId, 0]]));
      });

      it('the quarantined event itself is tried again when it comes again: it still fails', async () => {
        const { store } = fixture;
        const { issued, poison } = poisonedLog();
        await store.applyBatch([issued]);
        await store.quarantineStream(poison, 'unknown event type');

        await expect(store.applyBatch([poison])).rejects.toThrow(ProjectionError);
        expect(await store.checkpoint()).toMatchObject({ eventsApplied: 1, quarantinedStreams: 1 });
      });

      it('an event at the quarantined revision that applies (the genuine one after a forged one) releases the stream', async () => {
        const { store } = fixture;
        const { issued, paid, poison, later } = poisonedLog();
        await store.applyBatch([issued]);
        await store.quarantineStream({ ...poison, position: issued.position }, 'forged');

        const result = await store.applyBatch([paid, later]);

        expect(result).toMatchObject({ applied: 2, quarantined: 0 });
        expect(result.checkpoint).toMatchObject({ eventsApplied: 3, quarantinedStreams: 0 });
        expect(await store.quarantinedStreams()).toEqual([]);
        expect((await store.policySummary('P-0009'))!.paidInstallments).toBe(3);
      });

      it('a later event of a quarantined stream that cannot even be decoded is passed over too', async () => {
        const { store } = fixture;
        const { issued, poison, later } = poisonedLog();
        await store.applyBatch([issued]);
        await store.quarantineStream(poison, 'unknown event type');

        const undecodable: RecordedEvent = { ...later, metadata: { ...later.metadata, schemaVersion: 99 } };
        await expect(store.applyBatch([undecodable])).resolves.toMatchObject({ applied: 0, quarantined: 1 });
      });

      it('the first quarantine of a stream stays; quarantining again changes nothing', async () => {
        const { store } = fixture;
        const { issued, poison, later, other } = poisonedLog();
        await store.applyBatch([issued, other]);
        await expect(store.quarantineStream(poison, 'first')).resolves.toBe(true);
        await expect(store.quarantineStream(later, 'second')).resolves.toBe(false);

        expect(await store.quarantinedStreams()).toEqual([
          expect.objectContaining({ streamId: poison.streamId, revision: 1, reason: 'first' }),
        ]);
        expect(await store.quarantinedStreams({ streamIds: [other.streamId, poison.streamId] })).toEqual([
          expect.objectContaining({ streamId: poison.streamId }),
        ]);
        expect(await store.quarantinedStreams({ streamIds: [other.streamId] })).toEqual([]);
        // Without moveCheckpoint (the Kafka projector: a message's position is not to be trusted) it stays put.
        expect(await store.checkpoint()).toMatchObject({ position: other.position, quarantinedStreams: 1 });
      });

      it('quarantining a revision the stream has applied (another instance did meanwhile) changes nothing', async () => {
        const { store } = fixture;
        const { issued, paid, poison } = poisonedLog();
        await store.applyBatch([issued, paid]);

        await expect(store.quarantineStream(poison, 'too late', { moveCheckpoint: true })).resolves.toBe(false);

        expect(await store.quarantinedStreams()).toEqual([]);
        expect(await store.checkpoint()).toMatchObject({ position: paid.position, quarantinedStreams: 0 });
      });

      it('a rebuild starts without the quarantine (the cure once the projector is fixed)', async () => {
        const { store } = fixture;
        const { issued, paid, poison, later, other } = poisonedLog();
        await store.applyBatch([issued]);
        await store.quarantineStream(poison, 'unknown event type');
        await store.applyBatch([later, other]);

        const rebuild = await store.beginRebuild();
        await rebuild.applyBatch([issued, paid, later, other]);
        await rebuild.completeRebuild();

        expect(await store.quarantinedStreams()).toEqual([]);
        expect(await store.checkpoint()).toMatchObject({ eventsApplied: 4, quarantinedStreams: 0 });
        expect((await store.policySummary('P-0009'))!.paidInstallments).toBe(3);
      });

      it('a rebuild quarantines too, and its quarantine is swapped in with its tables', async () => {
        const { store } = fixture;
        const { issued, poison, later, other } = poisonedLog();
        await store.applyBatch([issued]);

        const rebuild = await store.beginRebuild();
        await rebuild.applyBatch([issued]);
        await expect(rebuild.applyBatch([poison])).rejects.toThrow(ProjectionError);
        await expect(rebuild.quarantineStream(poison, 'unknown event type')).resolves.toBe(true);
        await expect(rebuild.applyBatch([later, other])).resolves.toMatchObject({ applied: 1, quarantined: 1 });
        expect(await rebuild.checkpoint()).toMatchObject({ position: other.position, quarantinedStreams: 1 });
        await rebuild.completeRebuild();

        expect(await store.quarantinedStreams()).toEqual([
          expect.objectContaining({ streamId: poison.streamId, revision: 1 }),
        ]);
        expect(await store.checkpoint()).toMatchObject({ eventsApplied: 2, quarantinedStreams: 1 });
      });

      it('a rebuild whose last events were only passed over still reaches the live checkpoint for the swap', async () => {
        const { store } = fixture;
        const { issued, poison, later } = poisonedLog();
        await store.applyBatch([issued]);
        await store.quarantineStream(poison, 'unknown event type', { moveCheckpoint: true });
        await store.applyBatch([later]);

        const rebuild = await store.beginRebuild();
        await rebuild.applyBatch([issued]);
        // A read writes what a rebuild buffers: what follows moves only the checkpoint.
        expect(await rebuild.policySummary('P-0009')).not.toBeNull();
        await rebuild.quarantineStream(poison, 'unknown event type', { moveCheckpoint: true });
        await expect(rebuild.applyBatch([later])).resolves.toMatchObject({ applied: 0, quarantined: 1 });
        await rebuild.completeRebuild();

        expect(await store.checkpoint()).toMatchObject({
          position: later.position,
          eventsApplied: 1,
          quarantinedStreams: 1,
        });
      });
    });

    describe('rebuild', () => {
      let fixture: ReadModelStoreFixture;

      beforeEach(async () => {
        fixture = await createFixture();
      });
      afterEach(() => fixture?.dispose());

      it('builds fresh tables while the old ones serve reads, then swaps them in with identical reports', async () => {
        const { store } = fixture;
        await applyAll(store, history.events);
        const live = await reportSnapshot(store);
        const rebuild = await store.beginRebuild();

        const half = Math.floor(history.events.length / 2);
        await applyAll(rebuild, history.events.slice(0, half), 50);
        expect(await reportSnapshot(store)).toEqual(live);
        expect((await rebuild.checkpoint()).eventsApplied).toBe(half);
        await expect(rebuild.completeRebuild()).rejects.toThrow(RebuildBehindLiveError);
        expect(await reportSnapshot(store)).toEqual(live);

        await applyAll(rebuild, history.events.slice(half), 50);
        await rebuild.completeRebuild();

        expect(await reportSnapshot(store)).toEqual(live);
        await expect(rebuild.applyBatch(history.events.slice(0, 1))).rejects.toThrow(/closed/);
      });

      it('after the swap the live store carries on: redeliveries are skipped, new events apply', async () => {
        const { store } = fixture;
        const log = servicingHistory();
        await applyAll(store, log.events);
        const rebuild = await store.beginRebuild();
        await applyAll(rebuild, log.events, 100);
        await rebuild.completeRebuild();
        const mark = log.events.length;
        log.pay('P-0001', '2026-03-10');

        const result = await store.applyBatch([...log.events.slice(-3), ...log.since(mark)]);

        expect(result).toMatchObject({ applied: 1, skipped: 3 });
        const due = await store.premiumsDue({ from: '2026-03-15', to: '2026-03-15', asOf: '2026-03-15' });
        expect(due.rows.map((row) => [row.policyId, row.status])).toEqual([['P-0001', 'PAID']]);
      });

      it('an abandoned rebuild leaves the live tables as they were', async () => {
        const { store } = fixture;
        await applyAll(store, history.events);
        const live = await reportSnapshot(store);
        const rebuild = await store.beginRebuild();
        await rebuild.applyBatch(history.events.slice(0, 3));

        await rebuild.abandonRebuild();

        expect(await reportSnapshot(store)).toEqual(live);
        const second = await store.beginRebuild();
        await applyAll(second, history.events, 100);
        await second.completeRebuild();
        expect(await reportSnapshot(store)).toEqual(live);
      });
    });

    describe('layout version', () => {
      let fixture: ReadModelStoreFixture;

      beforeEach(async () => {
        fixture = await createFixture();
      });
      afterEach(() => fixture?.dispose());

      it('new tables carry the current layout, and another process opening them sees it', async () => {
        const layout = await fixture.store.layout();
        expect(layout).toEqual({
          stored: layout.current,
          current: expect.stringMatching(/^p\d+\.[0-9a-f]{16}$/),
          upToDate: true,
        });
        const another = await fixture.openAnother();
        try {
          expect(await another.layout()).toEqual(layout);
        } finally {
          await another.close();
        }
      });

      it.each([
        ['tables from before layout versions (none stored)', null],
        ['tables of another layout version', 'p0.00000000000000ff'],
      ])('%s are outdated, and opening them again does not stamp them', async (_case, stored) => {
        const { current } = await fixture.store.layout();
        await applyAll(fixture.store, history.events);

        await fixture.ageLayout(stored);

        expect(await fixture.store.layout()).toEqual({ stored, current, upToDate: false });
        const another = await fixture.openAnother();
        try {
          expect(await another.layout()).toEqual({ stored, current, upToDate: false });
        } finally {
          await another.close();
        }
      });

      it('a rebuild from the log replaces an older layout: the swapped-in tables carry the current one', async () => {
        const { store } = fixture;
        await applyAll(store, history.events);
        const live = await reportSnapshot(store);
        await fixture.ageLayout(null);
        // The aged tables lack a column the reports read.
        await expect(reportSnapshot(store)).rejects.toThrow(/last_reminded_on/);

        const rebuilt = await rebuildFromLog(logOf(history.events), store, { batchSize: 10 });

        expect(rebuilt.events).toBe(history.events.length);
        expect(await store.layout()).toMatchObject({ upToDate: true });
        expect(await reportSnapshot(store)).toEqual(live);
        const log = servicingHistory();
        const mark = log.events.length;
        log.pay('P-0001', '2026-03-10');
        expect(await store.applyBatch(log.since(mark))).toMatchObject({ applied: 1 });
      });

      it('a rebuild stopped midway drops its tables: the older layout stays, stamp and all', async () => {
        const { store } = fixture;
        await applyAll(store, history.events);
        await fixture.ageLayout('p0.00000000000000ff');
        let pages = 0;
        const stop = new Error('stopped');

        const rebuilding = rebuildFromLog(logOf(history.events), store, {
          batchSize: 5,
          checkStop: () => {
            if (++pages > 2) throw stop;
          },
        });

        await expect(rebuilding).rejects.toBe(stop);
        expect(await store.layout()).toMatchObject({ stored: 'p0.00000000000000ff', upToDate: false });
        expect((await store.checkpoint()).eventsApplied).toBe(history.events.length);
      });
    });
  });
}
