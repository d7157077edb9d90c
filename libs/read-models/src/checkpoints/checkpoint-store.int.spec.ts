/**
 * The checkpoint stores against a temporary SQLite file and the real PostgreSQL (READ_MODEL_TEST_URL, READ_MODEL_URL
 * or the local test database; its own schema, dropped afterwards). PostgreSQL unreachable: skipped with one line on a
 * laptop, failed when CI or a URL is set.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type CheckpointStore } from './checkpoint-store';
import { createCheckpointStore } from './create-checkpoint-store';

const url = process.env.READ_MODEL_TEST_URL || process.env.READ_MODEL_URL || 'postgres://postgres@127.0.0.1:5432/test';
const required = Boolean(process.env.CI || process.env.READ_MODEL_TEST_URL || process.env.READ_MODEL_URL);

function postgresReachable(): boolean {
  try {
    execFileSync(
      process.execPath,
      [
        '-e',
        `const c = new (require('pg').Client)(process.argv[1]); c.connect().then(() => c.end(), () => process.exit(1));`,
        url,
      ],
      { stdio: 'ignore', timeout: 10_000 },
    );
    return true;
  } catch {
    return false;
  }
}

function describeCheckpointStore(
  name: string,
  open: () => Promise<{ store: () => Promise<CheckpointStore>; dispose: () => Promise<void> }>,
) {
  describe(`${name} checkpoint store`, () => {
    let fixture: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(() => fixture.dispose());

    it('a subscription that never saved starts from the beginning', async () => {
      const store = await fixture.store();
      expect(await store.load('never-saved')).toBeNull();
      await store.close();
    });

    it('a saved position survives closing and reopening', async () => {
      const first = await fixture.store();
      await first.save('relay', '00000000000000000010');
      await first.close();
      const second = await fixture.store();
      expect(await second.load('relay')).toBe('00000000000000000010');
      await second.close();
    });

    it('never moves backwards, and names are independent', async () => {
      const store = await fixture.store();
      await store.save('forward', '00000000000000000020');
      await store.save('forward', '00000000000000000015');
      await store.save('other', '00000000000000000001');
      expect(await store.load('forward')).toBe('00000000000000000020');
      await store.save('forward', '00000000000000000021');
      expect(await store.load('forward')).toBe('00000000000000000021');
      expect(await store.load('other')).toBe('00000000000000000001');
      await store.close();
    });
  });
}

describeCheckpointStore('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
  return {
    store: () => createCheckpointStore({ kind: 'sqlite', path: join(dir, 'nested', 'relay-checkpoint.sqlite') }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

if (postgresReachable()) {
  describeCheckpointStore('PostgreSQL', async () => {
    const schema = `checkpoints_test_${process.pid}_${Date.now().toString(36)}`;
    return {
      store: () => createCheckpointStore({ kind: 'postgres', url, schema }),
      dispose: async () => {
        const client = new Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  });
} else if (required) {
  describe('PostgreSQL checkpoint store', () => {
    it('needs a reachable PostgreSQL (CI or a read-model URL is set)', () => {
      throw new Error(`PostgreSQL at ${url} is unreachable`);
    });
  });
} else {
  console.warn(`PostgreSQL checkpoint store suite skipped: ${url} unreachable`);
}
