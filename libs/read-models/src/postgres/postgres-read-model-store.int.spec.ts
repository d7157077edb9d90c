/**
 * The read-model contract suite against the real PostgreSQL (READ_MODEL_URL, default the local test database), each
 * fixture on its own schema, dropped afterwards with every rebuild schema it spawned.
 *
 * Skipped (with one line saying so) only on a developer machine without PostgreSQL; when CI or READ_MODEL_URL is set,
 * an unreachable database fails the suite instead, so CI can never pass by silently testing nothing.
 */
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { describeReadModelStoreContract, type ReadModelStoreFixture } from '../testing/read-model-store-contract';
import { PostgresReadModelStore } from './postgres-read-model-store';

const url = process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';
const required = Boolean(process.env.CI || process.env.READ_MODEL_URL);

/** Jest collects tests synchronously, so reachability is probed synchronously, in a child process. */
function unreachableReason(): string | null {
  try {
    execFileSync(
      process.execPath,
      [
        '-e',
        `const c = new (require('pg').Client)(process.argv[1]); c.connect().then(() => c.end()).catch((e) => { console.error(e.message); process.exit(1); });`,
        url,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 },
    );
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr || (error instanceof Error ? error.message : String(error));
  }
}

const reason = unreachableReason();

async function dropSchemas(prefix: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $2`,
      [prefix, `${prefix}\\_\\_%`],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}

let fixtureCount = 0;

async function createFixture(): Promise<ReadModelStoreFixture> {
  const schema = `rm_test_${process.pid}_${Date.now().toString(36)}_${fixtureCount++}`;
  const store = await PostgresReadModelStore.connect({ url, schema, poolSize: 2 });
  return {
    store,
    openAnother: () => PostgresReadModelStore.connect({ url, schema, poolSize: 2 }),
    dispose: async () => {
      await store.close();
      await dropSchemas(schema);
    },
  };
}

if (reason === null) {
  describeReadModelStoreContract('PostgreSQL', createFixture);
} else if (required) {
  describe('PostgreSQL read-model store', () => {
    it('needs a reachable PostgreSQL (CI or READ_MODEL_URL is set)', () => {
      throw new Error(`PostgreSQL at ${url} is unreachable: ${reason}`);
    });
  });
} else {
  // No PostgreSQL on this machine and nobody asked for it: say so once instead of failing every test.
  console.warn(`PostgreSQL read-model suites skipped: ${url} unreachable (${reason})`);
  describe.skip('PostgreSQL read-model store (PostgreSQL unreachable)', () => {
    it('is skipped', () => undefined);
  });
}
