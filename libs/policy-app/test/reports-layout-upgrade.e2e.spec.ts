/**
 * An upgrade that changed the read-model layout, in embedded mode: the API finds read models an older release wrote
 * (tables from before layout versions with a column this release reads missing, or another layout version stored)
 * and, before its projection subscribes, rebuilds them from the event log into fresh tables of its layout and swaps
 * them in; the reports are then the ones the older release served, and the feed carries on. On the SQLite read models
 * of the data dir and on PostgreSQL (READ_MODEL_URL, default the local test database; skipped, saying so, on a
 * developer machine without it).
 *
 * The tables are aged with SQL in a child process: node:sqlite and pg are their adapters' drivers only (lint rule).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, E2E_STORE, removeDataDir, startTestApi, type TestApi } from './support/test-api';
import { getReport, seedReportScenario, waitUntilCaughtUp } from './support/report-scenario';

const REPORT_URLS = [
  '/v1/reports/premiums-due?from=2022-01-01&to=2030-12-31',
  '/v1/reports/servicing-activity?from=2022-01-01&to=2030-12-31',
  '/v1/reports/agent-workload?asOf=2026-06-15',
  '/v1/reports/survival-benefits?from=2022-01-01&to=2030-12-31',
  '/v1/reports/lapses?from=2022-01-01&to=2030-12-31',
  '/v1/reports/transfers?from=2022-01-01&to=2030-12-31',
];
const LAYOUT_VERSION = /^p\d+\.[0-9a-f]{16}$/;
const OTHER_LAYOUT = 'p0.00000000000000ff';

/** One after the other: at once they would exceed the reporter key's READ_LIMIT_CONCURRENCY (429). */
async function allReports(api: TestApi): Promise<unknown[]> {
  const reports: unknown[] = [];
  for (const url of REPORT_URLS) reports.push((await getReport(api, url).expect(200)).body.items);
  return reports;
}

/** Runs `script` (CommonJS) in a child Node with `args`; returns its stdout. */
function node(script: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['-e', script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  });
}

/** Runs SQL on a SQLite file; the rows of the last statement as JSON. */
function sqlite(file: string, ...statements: string[]): unknown[] {
  const script = `const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1]);
    let rows = [];
    for (const sql of process.argv.slice(2)) rows = db.prepare(sql).all();
    db.close();
    process.stdout.write(JSON.stringify(rows));`;
  return JSON.parse(node(script, file, ...statements)) as unknown[];
}

const postgresUrl = process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';
const postgresRequired = Boolean(process.env.CI || process.env.READ_MODEL_URL);

/** Runs SQL on the test database; the rows of the last statement as JSON. */
function postgres(...statements: string[]): unknown[] {
  const script = `const c = new (require('pg').Client)(process.argv[1]);
    (async () => {
      await c.connect();
      let rows = [];
      for (const sql of process.argv.slice(2)) rows = (await c.query(sql)).rows;
      await c.end();
      process.stdout.write(JSON.stringify(rows));
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  return JSON.parse(node(script, postgresUrl, ...statements)) as unknown[];
}

function postgresUnreachable(): string | null {
  try {
    postgres('SELECT 1');
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer | string }).stderr?.toString().trim();
    return stderr || (error instanceof Error ? error.message : String(error));
  }
}

describe(`read models of an older layout, embedded mode (${E2E_STORE.mode}, SQLite read models)`, () => {
  let seeded: string;
  let seededReports: unknown[];
  const copies: string[] = [];

  beforeAll(async () => {
    const api = await startTestApi({ fixtureAgent: false }); // the report scenario registers its own agents
    seeded = api.dataDir;
    try {
      await seedReportScenario(api);
      await waitUntilCaughtUp(api);
      seededReports = await allReports(api);
    } finally {
      await api.close();
    }
  });
  afterAll(() => {
    for (const dataDir of [seeded, ...copies]) if (dataDir) removeDataDir(dataDir);
  });

  /** A copy of the seeded data dir (the event store, on SQLite, and the read models). */
  function copyOfSeeded(): string {
    const copy = mkdtempSync(join(tmpdir(), 'policy-api-e2e-layout-'));
    cpSync(seeded, copy, { recursive: true });
    copies.push(copy);
    return copy;
  }

  /** The stored layout version; null without one (or without the column: tables from before layout versions). */
  const layoutOf = (dataDir: string) =>
    (
      sqlite(join(dataDir, 'read-models.sqlite'), 'SELECT * FROM projection_checkpoint') as {
        layout_version?: string;
      }[]
    )
      .map((row) => row.layout_version ?? null)
      .at(0);
  const columnsOf = (dataDir: string, table: string) =>
    (sqlite(join(dataDir, 'read-models.sqlite'), `PRAGMA table_info(${table})`) as { name: string }[]).map(
      (column) => column.name,
    );

  it.each([
    [
      'tables from before layout versions, a column this release reads missing',
      [
        'ALTER TABLE premium_installments DROP COLUMN last_reminded_on',
        'ALTER TABLE projection_checkpoint DROP COLUMN layout_version',
      ],
    ],
    ['another layout version stored', [`UPDATE projection_checkpoint SET layout_version = '${OTHER_LAYOUT}'`]],
  ])('%s: rebuilt and swapped in at start-up, then the same reports', async (_case, aging) => {
    const dataDir = copyOfSeeded();
    sqlite(join(dataDir, 'read-models.sqlite'), ...aging);
    const current = layoutOf(seeded);
    expect(current).toMatch(LAYOUT_VERSION);
    expect(layoutOf(dataDir)).not.toEqual(current);

    const api = await startTestApi({ dataDir, fixtureAgent: false });
    try {
      await waitUntilCaughtUp(api);
      expect(await allReports(api)).toEqual(seededReports);
    } finally {
      await api.close();
    }
    expect(layoutOf(dataDir)).toBe(current);
    expect(columnsOf(dataDir, 'premium_installments')).toContain('last_reminded_on');
  });

  it('after the upgrade the feed carries on: new events show in the reports, nothing is rebuilt again', async () => {
    const dataDir = copyOfSeeded();
    sqlite(join(dataDir, 'read-models.sqlite'), `UPDATE projection_checkpoint SET layout_version = '${OTHER_LAYOUT}'`);
    let api = await startTestApi({ dataDir, fixtureAgent: false });
    try {
      await waitUntilCaughtUp(api);
    } finally {
      await api.close();
    }
    const tables = sqlite(join(dataDir, 'read-models.sqlite'), `SELECT name FROM sqlite_master WHERE type = 'table'`);

    api = await startTestApi({ dataDir, fixtureAgent: false });
    try {
      await api
        .http()
        .post('/v1/agents')
        .set('Authorization', bearer('supervisor'))
        .send({ agentId: 'AG-9', name: 'Agent AG-9', role: 'SERVICING', branchCode: 'SH-001', region: 'EAST' })
        .expect(201);
      await waitUntilCaughtUp(api);
      const workload = await getReport(api, '/v1/reports/agent-workload?asOf=2026-06-15').expect(200);
      expect(workload.body.items.map((item: { agentId: string }) => item.agentId)).toEqual(['AG-1', 'AG-2', 'AG-9']);
    } finally {
      await api.close();
    }
    // The same tables (a rebuild would have renamed them away and dropped them).
    expect(sqlite(join(dataDir, 'read-models.sqlite'), `SELECT name FROM sqlite_master WHERE type = 'table'`)).toEqual(
      tables,
    );
  });

  const postgresReason = postgresUnreachable();
  if (postgresReason !== null && !postgresRequired) {
    console.warn(
      `reports-layout-upgrade.e2e: PostgreSQL part skipped, unreachable at ${postgresUrl} (${postgresReason})`,
    );
  }
  // Skipped, not failed, only where no PostgreSQL was promised (CI and READ_MODEL_URL unset).
  const describePostgres = postgresReason !== null && !postgresRequired ? describe.skip : describe;

  describePostgres('with PostgreSQL read models', () => {
    const schema = `rm_layout_e2e_${process.pid}_${Date.now().toString(36)}`;
    const env = { READ_MODEL_URL: postgresUrl, READ_MODEL_SCHEMA: schema };
    const layoutQuery = `SELECT layout_version FROM "${schema}".projection_checkpoint`;

    afterAll(() => {
      if (postgresReason !== null) return;
      postgres(
        `DO $$ DECLARE name text; BEGIN
           FOR name IN SELECT nspname FROM pg_namespace WHERE nspname = '${schema}' OR nspname LIKE '${schema}\\_\\_%'
           LOOP EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', name); END LOOP; END $$`,
      );
    });

    it('tables from before layout versions, a column missing: rebuilt and swapped in at start-up, the same reports', async () => {
      if (postgresReason !== null) {
        throw new Error(`PostgreSQL is required (CI or READ_MODEL_URL set) but unreachable: ${postgresReason}`);
      }
      const dataDir = copyOfSeeded();
      let api = await startTestApi({ dataDir, env, fixtureAgent: false });
      // EventStoreDB is one server for the whole file: its log also holds the events of the tests before this one.
      let before: unknown[];
      try {
        await waitUntilCaughtUp(api);
        before = await allReports(api);
        if (E2E_STORE.mode === 'embedded-sqlite') expect(before).toEqual(seededReports);
      } finally {
        await api.close();
      }
      const [{ layout_version: current }] = postgres(layoutQuery) as { layout_version: string }[];
      expect(current).toMatch(LAYOUT_VERSION);
      postgres(
        `ALTER TABLE "${schema}".premium_installments DROP COLUMN last_reminded_on`,
        `ALTER TABLE "${schema}".projection_checkpoint DROP COLUMN layout_version`,
      );

      api = await startTestApi({ dataDir, env, fixtureAgent: false });
      try {
        await waitUntilCaughtUp(api);
        expect(await allReports(api)).toEqual(before);
      } finally {
        await api.close();
      }
      expect(postgres(layoutQuery)).toEqual([{ layout_version: current }]);
    });
  });
});
