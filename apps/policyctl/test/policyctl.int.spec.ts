/**
 * policyctl against a real data dir written by the API (embedded SQLite event store and read models): `rebuild`
 * yields the same reports as the live projection (and repairs damaged read models), also while the API runs;
 * `replay` prints the audit trail and the state as of a revision or an instant; bad arguments exit 2 with usage.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { runCli } from '../src/cli';
import { rebuildReadModels } from '../src/commands/rebuild.command';
import { openEventStore, openReadModelStore } from '../src/stores';
import type { CliIo } from '../src/cli-io';
import { businessDateOf } from '@lib/policy-app';
import {
  bearer,
  makeDataDir,
  removeDataDir,
  startTestApi,
  type TestApi,
  money,
  MODAL_PREMIUM,
  getReport,
  seedReportScenario,
  waitUntilCaughtUp,
} from '@lib/policy-app/testing';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function policyctlWithEnv(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signal: new AbortController().signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const policyctl = (dataDir: string, ...argv: string[]): Promise<Run> =>
  policyctlWithEnv({ DATA_DIR: dataDir }, ...argv);

const REPORT_URLS = [
  '/v1/reports/premiums-due?from=2022-01-01&to=2030-12-31',
  '/v1/reports/servicing-activity?from=2022-01-01&to=2030-12-31',
  '/v1/reports/agent-workload?asOf=2026-06-15',
  '/v1/reports/survival-benefits?from=2022-01-01&to=2030-12-31',
  '/v1/reports/lapses?from=2022-01-01&to=2030-12-31',
  '/v1/reports/transfers?from=2022-01-01&to=2030-12-31',
];

async function allReports(api: TestApi): Promise<unknown[]> {
  return Promise.all(REPORT_URLS.map(async (url) => (await getReport(api, url).expect(200)).body.items));
}

describe('policyctl on an embedded data dir', () => {
  const dataDir = makeDataDir();
  let liveReports: unknown[];
  let recordedAt: string[];

  beforeAll(async () => {
    const api = await startTestApi({ dataDir, fixtureAgent: false }); // the report scenario registers its own agents
    try {
      await seedReportScenario(api);
      await waitUntilCaughtUp(api);
      liveReports = await allReports(api);
      const history = await api
        .http()
        .get('/v1/policies/REP-0001/events')
        .set('Authorization', bearer('auditor'))
        .expect(200);
      recordedAt = history.body.events.map((event: { recordedAt: string }) => event.recordedAt);
    } finally {
      await api.close();
    }
  });
  afterAll(() => removeDataDir(dataDir));

  describe('rebuild', () => {
    it('rebuilds lost read models from the log, with progress, and swaps them in: the reports are as before', async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read-models.sqlite${suffix}`), { force: true });

      const run = await policyctl(dataDir, 'rebuild', '--batch-size', '4');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^Rebuilt the sqlite read models from 10 events in [\d.]+ s \(\d+ events\/s\) and swapped them in/,
      );
      // SQLite counts the log without reading it: the first progress line already knows the total.
      expect(run.stderr).not.toMatch(/counting events/);
      expect(run.stderr).toMatch(/rebuild {2}\[=+> +\] {2}4\/10 events/);
      expect(run.stderr).toMatch(/rebuild {2}\[=+\] {2}10\/10 events {2}100% {2}[\d,]+ events\/s {2}ETA 00:00/);
      expect(existsSync(join(dataDir, 'read-models.sqlite'))).toBe(true);

      const api = await startTestApi({ dataDir });
      try {
        await waitUntilCaughtUp(api);
        expect(await allReports(api)).toEqual(liveReports);
      } finally {
        await api.close();
      }
    });

    it('on a store that cannot count without reading (EventStoreDB), scans $all for the total first', async () => {
      const { store } = await openEventStore({ DATA_DIR: dataDir }, process.stderr);
      const readModels = await openReadModelStore({ DATA_DIR: dataDir });
      let stderr = '';
      try {
        const io: CliIo = {
          stdout: { write: () => true },
          stderr: { write: (text: string) => (stderr += text) },
          env: {},
          signal: new AbortController().signal,
        };
        const summary = await rebuildReadModels(store, readModels, io, { batchSize: 4 });
        expect(summary).toMatchObject({ events: 10, readModels: 'sqlite' });
      } finally {
        await readModels.close();
        await store.close();
      }
      expect(stderr).toMatch(/counting events in the log {2}10 events/);
      expect(stderr).toMatch(/rebuild {2}\[=+> +\] {2}4\/10 events/);
    });

    it('replaces read models of an older layout (an earlier release’s tables) with tables of this release’s', async () => {
      // Tables from before layout versions, one of them without a column this release reads (node:sqlite is the
      // adapters' driver only: a child process ages them).
      execFileSync(process.execPath, [
        '-e',
        `const db = new (require('node:sqlite').DatabaseSync)(process.argv[1]);
         db.exec('ALTER TABLE premium_installments DROP COLUMN last_reminded_on');
         db.exec('ALTER TABLE projection_checkpoint DROP COLUMN layout_version');
         db.close();`,
        join(dataDir, 'read-models.sqlite'),
      ]);
      const aged = await openReadModelStore({ DATA_DIR: dataDir });
      let current: string;
      try {
        const layout = await aged.layout();
        expect(layout).toMatchObject({ stored: null, upToDate: false });
        current = layout.current;
      } finally {
        await aged.close();
      }

      const run = await policyctl(dataDir, 'rebuild');

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`and swapped them in (position `);
      expect(run.stdout).toContain(`, layout ${current}).`);
      const rebuilt = await openReadModelStore({ DATA_DIR: dataDir });
      try {
        expect(await rebuilt.layout()).toEqual({ stored: current, current, upToDate: true });
      } finally {
        await rebuilt.close();
      }
      const api = await startTestApi({ dataDir });
      try {
        await waitUntilCaughtUp(api);
        expect(await allReports(api)).toEqual(liveReports);
      } finally {
        await api.close();
      }
    });

    it('runs beside the live API: the swap happens under its projection, which carries on afterwards', async () => {
      const api = await startTestApi({ dataDir });
      try {
        await waitUntilCaughtUp(api);
        const run = await policyctl(dataDir, 'rebuild');
        expect(run.code).toBe(0);
        await api
          .http()
          .post('/v1/policies/REP-0003/premium-payments')
          .set('Authorization', bearer('clerk'))
          .send({ installmentNo: 2, amount: money(MODAL_PREMIUM), paidOn: '2026-06-14', receiptNo: 'R-3-2' })
          .expect(201);
        await waitUntilCaughtUp(api);
        const due = await getReport(api, '/v1/reports/premiums-due?from=2026-09-01&to=2026-09-01').expect(200);
        expect(due.body.items).toEqual([expect.objectContaining({ policyId: 'REP-0003', status: 'PAID' })]);
        // 10 policy and agent events and the harness's product ENDOW-4 (projected into products).
        expect(due.body.caughtUp).toMatchObject({ eventsApplied: 11, lagEvents: 0 });
      } finally {
        await api.close();
      }
    });

    it('bad options → exit 2 with the usage', async () => {
      const run = await policyctl(dataDir, 'rebuild', '--batch-size', '0');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--batch-size must be an integer 1–10000');
      expect(run.stderr).toContain('Usage: policyctl rebuild');
    });
  });

  describe('replay', () => {
    it('prints every event with its audit metadata and business data, then the resulting state', async () => {
      const run = await policyctl(dataDir, 'replay', 'REP-0001');
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe('Policy REP-0001: 5 events (all; latest revision 4)');
      expect(lines.filter((line) => /^#\d+ /.test(line)).map((line) => line.split(/\s+/).slice(0, 1)[0])).toEqual([
        '#0',
        '#1',
        '#2',
        '#3',
        '#4',
      ]);
      expect(run.stdout).toContain(`#0  ${recordedAt[0]}  PolicyIssued v4`);
      expect(run.stdout).toMatch(
        /actor clerk-key \[clerk\] {2}channel REST {2}correlation \S+ {2}causation \S+ {2}idempotency-key -/,
      );
      expect(run.stdout).toContain('actor system-key [system]');
      expect(run.stdout).toMatch(/#2 .+PolicyLapsed v2\n.+\n {4}lapsedOn=2024-04-01 installmentNo=3/);
      expect(run.stdout).toMatch(/amount=500000 CNY paidOn=2023-01-10 receiptNo=R-2/);
      expect(run.stdout).toContain('Resulting state (revision 4): IN_FORCE');
      expect(run.stdout).toContain('"branchCode": "BJ-002"');
    });

    /**
     * REP-0001 runs 2022-01-15 → 2026-01-15 (annual, CN grace 60 days). Installment 4 is due 2025-01-15 and never
     * paid: its grace ends 2025-01-15 + 60 days = 2025-03-16 (16 days to Jan 31, 28 in Feb, 16 in Mar), so the
     * contract is suspended by law from 2025-03-17 — no PolicyLapsed was recorded for it, the recorded status stays
     * IN_FORCE.
     */
    it('--effective-on D: the contract in force on D, its status by law beside the recorded status', async () => {
      const inGrace = await policyctl(dataDir, 'replay', 'REP-0001', '--effective-on', '2025-03-16');
      expect(inGrace.code).toBe(0);
      expect(inGrace.stdout).toContain(
        'Resulting state (revision 4): IN_FORCE\nContract in force on 2025-03-16: status by law IN_FORCE\n',
      );
      const suspended = await policyctl(dataDir, 'replay', 'REP-0001', '--effective-on', '2025-03-17', '--json');
      expect(suspended.code).toBe(0);
      const replay = JSON.parse(suspended.stdout);
      expect(replay.at).toEqual({ effectiveOn: '2025-03-17' });
      expect(replay.state).toMatchObject({
        effectiveOn: '2025-03-17',
        status: 'IN_FORCE',
        statusByLaw: 'SUSPENDED',
        suspendedSince: '2025-03-17',
        scheduledChanges: [],
      });
    });

    /**
     * With --revision 1 only the issue and installment 2's payment are known: installment 3 (due 2024-01-15) is
     * unpaid, its grace ends 2024-01-15 + 60 days = 2024-03-15 (2024 is a leap year: 16 + 29 + 15), so on 2024-03-20
     * the contract was already suspended by law since 2024-03-16, before the lapse recorded on 2024-04-01.
     */
    it('--effective-on combines with --revision: what was known then, shown on D', async () => {
      const run = await policyctl(dataDir, 'replay', 'REP-0001', '--revision', '1', '--effective-on', '2024-03-20');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        'Resulting state (revision 1): IN_FORCE\nContract in force on 2024-03-20: status by law SUSPENDED since 2024-03-16\n',
      );
    });

    it('without --effective-on: today in BUSINESS_TIME_ZONE, as the API', async () => {
      const env = { DATA_DIR: dataDir, BUSINESS_TIME_ZONE: 'Asia/Shanghai' };
      const before = businessDateOf(new Date().toISOString(), 'Asia/Shanghai');
      const run = await policyctlWithEnv(env, 'replay', 'REP-0001', '--json');
      const after = businessDateOf(new Date().toISOString(), 'Asia/Shanghai');
      expect(run.code).toBe(0);
      const { at, state } = JSON.parse(run.stdout);
      expect([before, after]).toContain(at.effectiveOn);
      expect(state.effectiveOn).toBe(at.effectiveOn);

      const badZone = await policyctlWithEnv({ ...env, BUSINESS_TIME_ZONE: 'Mars/Olympus' }, 'replay', 'REP-0001');
      expect(badZone.code).toBe(1);
      expect(badZone.stderr).toContain('BUSINESS_TIME_ZONE must be an IANA time zone');
    });

    it('--effective-on before the policy took effect → exit 1 DATE_BEFORE_POLICY', async () => {
      const run = await policyctl(dataDir, 'replay', 'REP-0001', '--effective-on', '2022-01-14');
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toContain('policyctl replay: DATE_BEFORE_POLICY: The policy took effect on 2022-01-15');
    });

    it('--revision n: the trail and the state after revision n', async () => {
      const run = await policyctl(dataDir, 'replay', 'REP-0001', '--revision', '2', '--json');
      expect(run.code).toBe(0);
      const replay = JSON.parse(run.stdout);
      expect(replay.at).toEqual({ revision: 2, effectiveOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(replay.latestRevision).toBe(4);
      expect(replay.events.map((event: { type: string }) => event.type)).toEqual([
        'PolicyIssued',
        'PremiumPaid',
        'PolicyLapsed',
      ]);
      expect(replay.events[2]).toMatchObject({
        revision: 2,
        actor: { id: 'system-key', roles: ['system'] },
        channel: 'REST',
        idempotencyKey: null,
        data: expect.objectContaining({ lapsedOn: '2024-04-01' }),
      });
      expect(replay.state).toMatchObject({
        revision: 2,
        status: 'LAPSED',
        lapse: { lapsedOn: '2024-04-01', reinstatementDeadline: '2026-03-16' },
      });
    });

    it('--as-of instant: only what was recorded by then', async () => {
      const run = await policyctl(dataDir, 'replay', 'REP-0001', '--as-of', recordedAt[1], '--json');
      expect(run.code).toBe(0);
      const replay = JSON.parse(run.stdout);
      expect(replay.events).toHaveLength(2);
      expect(replay.state).toMatchObject({ revision: 1, status: 'IN_FORCE', premium: { paidInstallments: 2 } });

      const before = await policyctl(dataDir, 'replay', 'REP-0001', '--as-of', '2020-01-01T00:00:00Z');
      expect(before.code).toBe(1);
      expect(before.stderr).toContain('policy REP-0001 had no recorded events at or before 2020-01-01T00:00:00Z');
    });

    it('an unknown policy or revision → exit 1 with a message', async () => {
      const unknown = await policyctl(dataDir, 'replay', 'NOPE-0001');
      expect(unknown).toMatchObject({ code: 1, stdout: '' });
      expect(unknown.stderr).toBe('policyctl replay: policy NOPE-0001 not found\n');
      const revision = await policyctl(dataDir, 'replay', 'REP-0001', '--revision', '9');
      expect(revision.code).toBe(1);
      expect(revision.stderr).toContain('policy REP-0001 has no revision 9 (latest 4)');
    });

    it.each([
      [[], 'a policy id is required'],
      [['rep-1'], 'policy id "rep-1" must match'],
      [['REP-0001', 'REP-0002'], 'give exactly one policy id'],
      [['REP-0001', '--revision', '-1'], "Option '--revision' argument is ambiguous"],
      [['REP-0001', '--revision', 'x'], '--revision must be a non-negative integer'],
      [['REP-0001', '--as-of', '2026-01-01'], '--as-of must be an ISO-8601 instant'],
      [['REP-0001', '--as-of', '2026-01-01T00:00:00Z', '--revision', '1'], 'either --as-of or --revision'],
      [['REP-0001', '--effective-on', '2026-02-30'], '--effective-on must be a real calendar date YYYY-MM-DD'],
      [['REP-0001', '--effective-on', '2026-02-01T00:00:00Z'], '--effective-on must be a real calendar date'],
      [['REP-0001', '--colour'], "Unknown option '--colour'"],
    ])('replay %j → exit 2 with the usage', async (args, message) => {
      const run = await policyctl(dataDir, 'replay', ...args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Usage: policyctl replay <policyId>');
    });
  });

  it('no command or an unknown one → exit 2 with the command list; --help → exit 0', async () => {
    const none = await policyctl(dataDir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Commands:\n {2}rebuild .+\n {2}replay /);
    const unknown = await policyctl(dataDir, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const help = await policyctl(dataDir, 'replay', '--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: policyctl replay');
  });

  describe('an event the projections cannot apply', () => {
    const poisoned = makeDataDir();
    afterAll(() => removeDataDir(poisoned));

    /** Two agents registered; between them, an event of AG-1's stream that no projection knows. */
    async function seedPoisonedLog(): Promise<void> {
      const events = await SqliteEventStore.open({ path: join(poisoned, 'events.sqlite') });
      const event = (type: string, data: JsonObject) => ({
        eventId: randomUUID(),
        type,
        data,
        metadata: { recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion: 1 },
      });
      const registered = (agentId: string) =>
        event('AgentRegistered', { agentId, name: agentId, role: 'SERVICING', branchCode: 'SH-001', region: 'EAST' });
      try {
        await events.append('agent-AG-1', [registered('AG-1'), event('AgentTeleported', {})], 'no_stream');
        await events.append('agent-AG-2', [registered('AG-2')], 'no_stream');
      } finally {
        await events.close();
      }
    }

    it('rebuild quarantines its stream and rebuilds the rest; quarantine lists it', async () => {
      await seedPoisonedLog();
      const none = await policyctl(dataDir, 'quarantine');
      expect(none).toMatchObject({
        code: 0,
        stdout: 'No stream is quarantined: the read models project every stream.\n',
      });

      const run = await policyctl(poisoned, 'rebuild');

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/from 3 events .+\n1 stream\(s\) quarantined .+`policyctl quarantine`/);
      expect(run.stderr).toMatch(/quarantined agent-AG-1 at revision 1: .*AgentTeleported/);
      const listed = await policyctl(poisoned, 'quarantine');
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(
        /^1 quarantined stream\(s\):\nagent-AG-1 {2}at revision 1 \(AgentTeleported, position \S+\) since /,
      );
      const json = await policyctl(poisoned, 'quarantine', '--json');
      expect(JSON.parse(json.stdout)).toEqual({
        quarantinedStreams: [
          expect.objectContaining({ streamId: 'agent-AG-1', revision: 1, eventType: 'AgentTeleported' }),
        ],
      });
      const readModels = await openReadModelStore({ DATA_DIR: poisoned });
      try {
        const workload = await readModels.agentWorkload({ asOf: '2026-06-15' });
        expect(workload.rows.map((row) => row.agentId)).toEqual(['AG-1', 'AG-2']);
        expect(await readModels.checkpoint()).toMatchObject({ eventsApplied: 2, quarantinedStreams: 1 });
      } finally {
        await readModels.close();
      }
    });

    it('quarantine on a data dir without read models → exit 1, nothing created', async () => {
      const empty = makeDataDir();
      try {
        const run = await policyctl(empty, 'quarantine');
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`no read models at ${join(empty, 'read-models.sqlite')}`);
        expect(existsSync(join(empty, 'read-models.sqlite'))).toBe(false);
      } finally {
        removeDataDir(empty);
      }
    });

    it('quarantine with a stray argument → exit 2 with the usage', async () => {
      const run = await policyctl(poisoned, 'quarantine', 'agent-AG-1');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Usage: policyctl quarantine');
    });
  });

  it('a data dir without an event store → exit 1, nothing created', async () => {
    const empty = makeDataDir();
    try {
      const run = await policyctl(empty, 'replay', 'REP-0001');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`no event store at ${join(empty, 'events.sqlite')}`);
    } finally {
      removeDataDir(empty);
    }
  });
});
