import { ConcurrencyError, type EventStore, type RecordedEvent } from '@lib/event-sourcing';
import { EVENT_STORE } from '../src/event-store/tokens';
import { readPlan, readTransferPlan } from '../src/orphans/orphan-reassignment-plan';
import { OrphanReassignmentProcess } from '../src/orphans/orphan-reassignment.process';
import { OrphanReassignmentDependencies } from '../src/orphans/orphans.module';
import { RunOperation } from '../src/operations/run-operation';
import { PROBLEM_CODES } from '../src/problem/api-problem';
import { concurrencyProblem } from '../src/problem/error-classification';
import { issuePolicyBody, money } from './support/fixtures';
import { bearer, makeDataDir, removeDataDir, startTestApi, type KeyRole, type TestApi } from './support/test-api';

/**
 * The orphan-reassignment process manager (DESIGN 2.5) on the real app: three SERVICING agents of branch SH-001 with
 * different open receivables as of the departure date, a SALES agent departing with 10 policies (BALANCED). The
 * expected mapping is worked out by hand from the rule below, not by the code under test.
 */
const TODAY = '2026-06-15';
const ORPHANS = Array.from({ length: 10 }, (_, index) => `ORPH-${String(index + 1).padStart(2, '0')}`);

/**
 * Base loads (unpaid installments overdue or due by 2026-08-14): S-A 3, S-B 0, S-C 1. Each policy in policyId order to
 * the lowest load (+1 per orphan already given), ties to the lowest agentId:
 * 01 B(0) · 02 B/C tie at 1 → B · 03 C(1) · 04 B/C tie at 2 → B · 05 C(2) · 06 A/B/C tie at 3 → A · 07 B/C tie at 3 → B
 * · 08 C(3) · 09 A/B/C tie at 4 → A · 10 B/C tie at 4 → B.
 */
const EXPECTED: Record<string, string> = {
  'ORPH-01': 'S-B',
  'ORPH-02': 'S-B',
  'ORPH-03': 'S-C',
  'ORPH-04': 'S-B',
  'ORPH-05': 'S-C',
  'ORPH-06': 'S-A',
  'ORPH-07': 'S-B',
  'ORPH-08': 'S-C',
  'ORPH-09': 'S-A',
  'ORPH-10': 'S-B',
};

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('orphan reassignment process manager', () => {
  const dataDir = makeDataDir();
  let api: TestApi;
  let store: EventStore;

  const start = async (processManager: boolean) => {
    api = await startTestApi({
      dataDir,
      today: TODAY,
      env: { SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: String(processManager) },
      // Only the agents registered here: the fixture's SERVICING agent of SH-001 would take part in the balancing.
      fixtureAgent: false,
    });
    store = api.app.get<EventStore>(EVENT_STORE);
  };

  async function post(url: string, role: KeyRole, body: object): Promise<void> {
    const response = await api.http().post(url).set('Authorization', bearer(role)).send(body);
    if (response.status !== 201) throw new Error(`${url}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  const registerAgent = (agentId: string, role: string, branchCode: string, region: string) =>
    post('/v1/agents', 'supervisor', { agentId, name: `Agent ${agentId}`, role, branchCode, region });
  const issue = (
    policyId: string,
    servicing: { branchCode: string; region: string; agentId: string },
    frequency: string,
    effectiveDate: string,
  ) =>
    post(
      '/v1/policies',
      'clerk',
      issuePolicyBody(policyId, {
        premium: {
          modalPremium: money(100_000),
          frequency,
          paymentTermYears: 10,
          paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
        },
        effectiveDate,
        maturityDate: '2040-01-01',
        survivalBenefits: [],
        servicing,
      }),
    );
  const sh = (agentId: string) => ({ branchCode: 'SH-001', region: 'EAST', agentId });

  async function reassignments(): Promise<RecordedEvent[]> {
    return (await store.readAll()).filter((event) => event.type === 'OrphanPolicyReassigned');
  }
  async function mapping(): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const event of await reassignments())
      result[event.streamId.slice('policy-'.length)] = String(event.data.toAgentId);
    return result;
  }

  beforeAll(async () => {
    await start(false);
    await registerAgent('S-A', 'SERVICING', 'SH-001', 'EAST');
    await registerAgent('S-B', 'SERVICING', 'SH-001', 'EAST');
    await registerAgent('S-C', 'SERVICING', 'SH-001', 'EAST');
    await registerAgent('S-OTHER', 'SERVICING', 'BJ-001', 'EAST'); // same region, other branch: not BALANCED-eligible
    await registerAgent('SALES-1', 'SALES', 'SH-001', 'EAST');
    await registerAgent('S-GONE', 'SERVICING', 'SH-001', 'EAST');
    await post('/v1/agents/S-GONE/departure', 'supervisor', { departedOn: '2026-06-01', reassignment: 'MANUAL' });
    // S-A: monthly from 2026-05-20 → due 06-20 and 07-20 (2) + annual from 2025-07-01 → due 2026-07-01 (1) = 3.
    await issue('LOAD-A1', sh('S-A'), 'MONTHLY', '2026-05-20');
    await issue('LOAD-A2', sh('S-A'), 'ANNUAL', '2025-07-01');
    // S-B: next due 2027-01-01 → 0. S-C: annual from 2025-08-01 → due 2026-08-01 (1).
    await issue('LOAD-B1', sh('S-B'), 'ANNUAL', '2026-01-01');
    await issue('LOAD-C1', sh('S-C'), 'ANNUAL', '2025-08-01');
    // The orphans carry receivables of their own (monthly: due 06-25 and 07-25), which their new agents take over:
    // the rule must still judge the later ones by the loads as of the departure, also after a crash.
    for (const policyId of [...ORPHANS].reverse()) await issue(policyId, sh('SALES-1'), 'MONTHLY', '2026-05-25');
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    removeDataDir(dataDir);
  });

  it('crashes after 4 reassignments; those 4 follow the rule', async () => {
    const deps = api.app.get(OrphanReassignmentDependencies).deps();
    let sent = 0;
    const crashing = new OrphanReassignmentProcess({
      ...deps,
      retryDelayMs: 600_000,
      send: async (command: RunOperation) => {
        if (sent === 4) throw new Error('simulated crash');
        sent++;
        return deps.send(command);
      },
    });
    crashing.start();
    await post('/v1/agents/SALES-1/departure', 'supervisor', { departedOn: TODAY, reassignment: 'BALANCED' });
    await waitFor('the plan', async () => (await readPlan(store, 'SALES-1')) ?? undefined);
    await waitFor('4 reassignments', async () => ((await reassignments()).length === 4 ? true : undefined));
    await crashing.stop();

    expect(await mapping()).toEqual({
      'ORPH-01': 'S-B',
      'ORPH-02': 'S-B',
      'ORPH-03': 'S-C',
      'ORPH-04': 'S-B',
    });
    const plan = await readPlan(store, 'SALES-1');
    expect(plan?.openReceivables).toEqual([
      { agentId: 'S-A', openReceivables: 3 },
      { agentId: 'S-B', openReceivables: 0 },
      { agentId: 'S-C', openReceivables: 1 },
    ]);
  }, 60_000);

  it('after a restart the remaining 6 follow the same rule; each policy is reassigned exactly once', async () => {
    await api.close();
    await start(true);
    await waitFor('10 reassignments', async () => ((await reassignments()).length === 10 ? true : undefined));

    expect(await mapping()).toEqual(EXPECTED);
    const events = await reassignments();
    expect(events.map((event) => event.streamId).sort()).toEqual(ORPHANS.map((id) => `policy-${id}`));
    for (const event of events) {
      const policyId = event.streamId.slice('policy-'.length);
      expect(event.data).toEqual({
        fromAgentId: 'SALES-1',
        toAgentId: EXPECTED[policyId],
        effectiveDate: TODAY,
        strategy: 'BALANCED',
      });
      expect(event.metadata).toMatchObject({
        channel: 'PROCESS',
        actor: { id: 'system', roles: ['system'] },
        idempotencyKey: `orphan:SALES-1:${policyId}`,
      });
    }
    const view = await api.http().get('/v1/policies/ORPH-06').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body.servicing).toEqual({ branchCode: 'SH-001', region: 'EAST', agentId: 'S-A', orphaned: false });
  }, 60_000);

  it('running it again changes nothing', async () => {
    const before = (await store.readAll()).filter((event) => event.streamId.startsWith('policy-')).length;
    const departed = (await store.readStream('agent-SALES-1')).find((event) => event.type === 'AgentDeparted')!;
    const again = new OrphanReassignmentProcess(api.app.get(OrphanReassignmentDependencies).deps());
    const outcome = await again.handleDeparture(departed, {
      type: 'AgentDeparted',
      data: { agentId: 'SALES-1', departedOn: TODAY, reassignment: 'BALANCED' },
    });
    expect(outcome).toEqual({ departedAgentId: 'SALES-1', reassigned: 0, replayed: 10, skipped: 0, unassigned: 0 });
    expect((await store.readAll()).filter((event) => event.streamId.startsWith('policy-')).length).toBe(before);
    expect(await mapping()).toEqual(EXPECTED);
  });

  describe('a failure that is not a business rule is not a skip', () => {
    const salesOneDeparted = async () => {
      const departed = (await store.readStream('agent-SALES-1')).find((event) => event.type === 'AgentDeparted')!;
      return [
        departed,
        {
          type: 'AgentDeparted' as const,
          data: { agentId: 'SALES-1', departedOn: TODAY, reassignment: 'BALANCED' as const },
        },
      ] as const;
    };
    /** The process with ORPH-03's command failing as `fail` says; the others go through the command bus. */
    const processFailingOn = (fail: (command: RunOperation) => Promise<never>) => {
      const deps = api.app.get(OrphanReassignmentDependencies).deps();
      return new OrphanReassignmentProcess({
        ...deps,
        send: (command) => (command.ids.policyId === 'ORPH-03' ? fail(command) : deps.send(command)),
      });
    };
    const conflict = new ConcurrencyError('policy-ORPH-03', 5, 6);

    it.each([
      ['CONCURRENCY_CONFLICT', concurrencyProblem(conflict, undefined, PROBLEM_CODES.POLICY_NOT_FOUND)],
      ['PRECONDITION_FAILED', concurrencyProblem(conflict, 5, PROBLEM_CODES.POLICY_NOT_FOUND)],
    ])('%s: the departure fails, so the subscription resumes it from its checkpoint', async (_code, problem) => {
      const process = processFailingOn(() => Promise.reject(problem));

      await expect(process.handleDeparture(...(await salesOneDeparted()))).rejects.toBe(problem);
    });

    it('a rule the domain enforces (here: the policy is no longer orphaned) is logged and skipped', async () => {
      const deps = api.app.get(OrphanReassignmentDependencies).deps();
      // A new idempotency key: the command runs again instead of replaying, and the domain rejects it.
      const process = processFailingOn(
        (command) =>
          deps.send(
            new RunOperation(
              command.operation,
              command.ids,
              command.dto,
              { ...command.context, idempotencyKey: `${command.context.idempotencyKey}:again` },
              command.extra,
            ),
          ) as Promise<never>,
      );

      const outcome = await process.handleDeparture(...(await salesOneDeparted()));

      expect(outcome).toEqual({ departedAgentId: 'SALES-1', reassigned: 0, replayed: 9, skipped: 1, unassigned: 0 });
    });
  });

  it('REGION assigns within the region across branches', async () => {
    await registerAgent('W-1', 'SERVICING', 'CD-001', 'WEST');
    await registerAgent('W-2', 'SERVICING', 'XA-001', 'WEST');
    await registerAgent('SALES-W', 'SALES', 'LZ-001', 'WEST');
    for (const policyId of ['WEST-01', 'WEST-02', 'WEST-03']) {
      await issue(policyId, { branchCode: 'LZ-001', region: 'WEST', agentId: 'SALES-W' }, 'ANNUAL', '2026-01-10');
    }
    await post('/v1/agents/SALES-W/departure', 'supervisor', { departedOn: TODAY, reassignment: 'REGION' });
    await waitFor('3 more reassignments', async () => ((await reassignments()).length === 13 ? true : undefined));
    const result = await mapping();
    // Both at 0: W-1 (lower id), then W-2, then W-1 again.
    expect([result['WEST-01'], result['WEST-02'], result['WEST-03']]).toEqual(['W-1', 'W-2', 'W-1']);
    const event = (await reassignments()).find((candidate) => candidate.streamId === 'policy-WEST-01')!;
    expect(event.data.strategy).toBe('REGION');
  }, 30_000);

  it('with no eligible agent the policies stay orphaned and show in the agent-workload report', async () => {
    await registerAgent('SALES-GZ', 'SALES', 'GZ-001', 'SOUTH');
    await issue('SOUTH-01', { branchCode: 'GZ-001', region: 'SOUTH', agentId: 'SALES-GZ' }, 'ANNUAL', '2026-01-10');
    await issue('SOUTH-02', { branchCode: 'GZ-001', region: 'SOUTH', agentId: 'SALES-GZ' }, 'ANNUAL', '2026-01-10');
    await post('/v1/agents/SALES-GZ/departure', 'supervisor', { departedOn: TODAY });
    const plan = await waitFor('the plan', async () => (await readPlan(store, 'SALES-GZ')) ?? undefined);
    expect(plan.assignments).toEqual([
      { policyId: 'SOUTH-01', toAgentId: null },
      { policyId: 'SOUTH-02', toAgentId: null },
    ]);
    const view = await api.http().get('/v1/policies/SOUTH-01').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body.servicing.orphaned).toBe(true);

    const report = await api
      .http()
      .get('/v1/reports/agent-workload?branchCode=GZ-001')
      .set('Authorization', bearer('reporter'))
      .expect(200);
    expect(JSON.stringify(report.body)).toContain('SALES-GZ');
    const rows = (report.body.items ?? report.body.rows) as { agentId: string; orphans: number; status: string }[];
    expect(rows.find((row) => row.agentId === 'SALES-GZ')).toMatchObject({ status: 'DEPARTED', orphans: 2 });
  }, 30_000);
  it('a policy transferred without a target agent goes to the least loaded agent of the new branch, loads as of the transfer date', async () => {
    await registerAgent('H-A', 'SERVICING', 'HZ-001', 'EAST');
    await registerAgent('H-B', 'SERVICING', 'HZ-001', 'EAST');
    await registerAgent('H-SALES', 'SALES', 'HZ-001', 'EAST'); // not a SERVICING agent: never eligible
    const hz = (agentId: string) => ({ branchCode: 'HZ-001', region: 'EAST', agentId });
    // Loads as of the transfer date 2026-06-01 (horizon 2026-07-31): H-A monthly from 2026-05-10 → 06-10 (paid on
    // 06-10, after the transfer date: still open on it) and 07-10 = 2; H-B annual from 2025-07-01 → 2026-07-01 = 1.
    // As the read models stand today H-A would count 1 only (06-10 is paid), tie → H-A; as of the date → H-B.
    await issue('LOAD-HA1', hz('H-A'), 'MONTHLY', '2026-05-10');
    await post('/v1/policies/LOAD-HA1/premium-payments', 'clerk', {
      installmentNo: 2,
      amount: money(100_000),
      paidOn: '2026-06-10',
      receiptNo: 'RC-LOAD-HA1-2',
    });
    await issue('LOAD-HB1', hz('H-B'), 'ANNUAL', '2025-07-01');
    await issue('MOVING-01', sh('S-A'), 'ANNUAL', '2026-01-10');
    await issue('MOVING-02', sh('S-A'), 'ANNUAL', '2026-01-10');

    await post('/v1/policies/MOVING-01/transfers', 'clerk', {
      toBranchCode: 'HZ-001',
      toRegion: 'EAST',
      effectiveDate: '2026-06-01',
      reason: 'RELOCATION',
    });
    // With a target agent the transfer leaves nothing to the process manager.
    await post('/v1/policies/MOVING-02/transfers', 'clerk', {
      toBranchCode: 'HZ-001',
      toRegion: 'EAST',
      effectiveDate: '2026-06-01',
      reason: 'RELOCATION',
      toAgentId: 'H-A',
    });

    const reassigned = await waitFor('the transferred orphan assigned', async () =>
      (await reassignments()).find((event) => event.streamId === 'policy-MOVING-01'),
    );
    expect(reassigned.data).toEqual({
      fromAgentId: 'S-A',
      toAgentId: 'H-B',
      effectiveDate: '2026-06-01',
      strategy: 'BALANCED',
    });
    expect(reassigned.metadata).toMatchObject({
      channel: 'PROCESS',
      actor: { id: 'system', roles: ['system'] },
      idempotencyKey: 'orphan-transfer:MOVING-01:1',
    });
    expect(await readTransferPlan(store, 'MOVING-01', 1)).toEqual({
      policyId: 'MOVING-01',
      transferRevision: 1,
      transferredOn: '2026-06-01',
      branchCode: 'HZ-001',
      openReceivables: [
        { agentId: 'H-A', openReceivables: 2 },
        { agentId: 'H-B', openReceivables: 1 },
      ],
      toAgentId: 'H-B',
    });
    const view = await api.http().get('/v1/policies/MOVING-01').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body.servicing).toEqual({ branchCode: 'HZ-001', region: 'EAST', agentId: 'H-B', orphaned: false });
    expect(await readTransferPlan(store, 'MOVING-02', 1)).toBeNull();
    expect((await reassignments()).filter((event) => event.streamId === 'policy-MOVING-02')).toEqual([]);
  }, 30_000);

  it('the transfer handled again (a resumed subscription) assigns nothing twice', async () => {
    const before = (await store.readStream('policy-MOVING-01')).length;
    const transferred = (await store.readStream('policy-MOVING-01')).find(
      (event) => event.type === 'PolicyTransferred',
    )!;
    const again = new OrphanReassignmentProcess(api.app.get(OrphanReassignmentDependencies).deps());

    const outcome = await again.handleTransfer(transferred, {
      type: 'PolicyTransferred',
      data: {
        fromBranchCode: 'SH-001',
        toBranchCode: 'HZ-001',
        fromRegion: 'EAST',
        toRegion: 'EAST',
        effectiveDate: '2026-06-01',
        reason: 'RELOCATION',
        toAgentId: null,
        awaitingAgent: true,
      },
    });

    expect(outcome).toEqual({ policyId: 'MOVING-01', transferRevision: 1, outcome: 'replayed', toAgentId: 'H-B' });
    expect((await store.readStream('policy-MOVING-01')).length).toBe(before);
  });
});
