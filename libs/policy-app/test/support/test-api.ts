import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import request from 'supertest';
import type { Clock } from '@lib/event-sourcing';
import { createPolicyApi } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';

/** Known API keys of the e2e tests: one per role (DESIGN 3). */
export const KEYS = {
  clerk: 'clerk-secret-000000000001',
  supervisor: 'supervisor-secret-0000001',
  system: 'system-secret-00000000001',
  auditor: 'auditor-secret-0000000001',
  reporter: 'reporter-secret-000000001',
  'product-manager': 'product-manager-secret-01',
  admin: 'admin-secret-0000000000001',
} as const;
export type KeyRole = keyof typeof KEYS;

export const API_KEYS = Object.entries(KEYS)
  .map(([role, secret]) => `${role}-key:${secret}:${role}`)
  .join(',');

/**
 * The business date is pinned (tests must not depend on the real date); the time of day runs on, so events recorded
 * one after the other get increasing recordedAt instants.
 */
export class TestClock implements Clock {
  private base: number;
  private setAt = Date.now();

  constructor(today: string) {
    this.base = Date.parse(`${today}T08:00:00.000Z`);
  }

  setToday(today: string): void {
    this.base = Date.parse(`${today}T08:00:00.000Z`);
    this.setAt = Date.now();
  }

  now(): string {
    return new Date(this.base + (Date.now() - this.setAt)).toISOString();
  }
}

export interface TestApi {
  readonly app: NestExpressApplication;
  readonly dataDir: string;
  readonly clock: TestClock;
  /** supertest against the running app's server. */
  readonly http: () => ReturnType<typeof request>;
  /** Closes the app (and its event store); the data dir stays for a restart. */
  close(): Promise<void>;
}

/**
 * The event store the e2e suites run against is chosen by configuration, as the API's own is (DESIGN 1):
 * `E2E_EVENTSTORE_CONNECTION_STRING` set → EventStoreDB at that address (the read models stay SQLite in the data dir);
 * unset → the embedded SQLite store in the data dir. `.ci/run` runs the suites both ways (scripts/esdb-suites.sh).
 */
export const E2E_STORE = ((): { mode: 'embedded-sqlite' | 'eventstoredb'; env: Record<string, string> } => {
  const connectionString = process.env.E2E_EVENTSTORE_CONNECTION_STRING?.trim();
  return connectionString
    ? { mode: 'eventstoredb', env: { EVENTSTORE_CONNECTION_STRING: connectionString } }
    : { mode: 'embedded-sqlite', env: {} };
})();

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'policy-api-e2e-'));
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/** The servicing agent of `issuePolicyBody` (IssuePolicy needs a registered, active one: AGENT_NOT_ELIGIBLE). */
export const FIXTURE_AGENT = {
  agentId: 'AG-1',
  name: 'Agent One',
  role: 'SERVICING',
  branchCode: 'SH-001',
  region: 'EAST',
} as const;

/** Registers FIXTURE_AGENT over REST (409: the data dir already has it). */
export async function registerFixtureAgent(server: Parameters<typeof request>[0]): Promise<void> {
  const registered = await request(server)
    .post('/v1/agents')
    .set('Authorization', bearer('supervisor'))
    .send(FIXTURE_AGENT);
  if (registered.status !== 201 && registered.status !== 409) {
    throw new Error(`Could not register the fixture agent: ${registered.status} ${JSON.stringify(registered.body)}`);
  }
}

/** The product of the fixture policies (`issuePolicyBody`), published in the API's jurisdiction unless it exists. */
export async function publishFixtureProduct(
  server: Parameters<typeof request>[0],
  jurisdiction: string,
): Promise<void> {
  const code = 'ENDOW-4';
  const existing = await request(server).get(`/v1/products/${code}`).set('Authorization', bearer('admin'));
  if (existing.status === 200) return;
  const published = await request(server)
    .post(`/v1/products/${code}/versions`)
    .set('Authorization', bearer('product-manager'))
    .send({
      name: 'Fixture endowment (4 years)',
      kind: 'ENDOWMENT',
      jurisdiction,
      currency: 'CNY',
      freeLook: { days: 15, costDeduction: { amount: 0, currency: 'CNY' } },
      grace: { noticeShortensGrace: false },
      cashValuePpm: [0, 30_000, 65_000, 90_000],
      automaticPremiumLoan: false,
      nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
    });
  if (published.status !== 201) {
    throw new Error(`Could not publish the fixture product: ${published.status} ${JSON.stringify(published.body)}`);
  }
}

/**
 * Starts the real Nest app on an ephemeral port over the given (temporary) data dir and the configured store
 * (E2E_STORE), with the fixture agent registered (unless `fixtureAgent: false`; a store that already has it keeps it)
 * and the fixture product published (a store that already has it keeps it).
 */
export async function startTestApi(
  options: { dataDir?: string; today?: string; env?: Record<string, string>; fixtureAgent?: boolean } = {},
): Promise<TestApi> {
  const dataDir = options.dataDir ?? makeDataDir();
  const clock = new TestClock(options.today ?? '2026-06-15');
  const config = loadConfig({
    DATA_DIR: dataDir,
    API_KEYS,
    LOG_LEVEL: 'silent',
    HTTP_PORT: '0',
    // The suites publish the products they use: the sample catalogue would only add events to count.
    SAMPLE_CATALOGUE: 'false',
    ...E2E_STORE.env,
    ...options.env,
  });
  const app = await createPolicyApi(config, { clock, logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }) });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  if (options.fixtureAgent !== false) await registerFixtureAgent(server);
  await publishFixtureProduct(server, config.jurisdiction);
  return {
    app,
    dataDir,
    clock,
    http: () => request(server),
    close: () => app.close(),
  };
}

export function bearer(role: KeyRole): string {
  return `Bearer ${KEYS[role]}`;
}
