/** The read-model contract suite against real SQLite files, one temporary directory per fixture. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  describeReadModelStoreContract,
  servicingHistory,
  type ReadModelStoreFixture,
} from '../testing/read-model-store-contract';
import { SqliteReadModelStore } from './sqlite-read-model-store';

async function createFixture(): Promise<ReadModelStoreFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'read-models-'));
  const store = SqliteReadModelStore.open({ dataDir });
  return {
    store,
    openAnother: async () => SqliteReadModelStore.open({ dataDir }),
    ageLayout: async (stored) => {
      const db = new DatabaseSync(join(dataDir, 'read-models.sqlite'));
      try {
        db.exec('ALTER TABLE premium_installments DROP COLUMN last_reminded_on');
        if (stored === null) db.exec('ALTER TABLE projection_checkpoint DROP COLUMN layout_version');
        else db.prepare('UPDATE projection_checkpoint SET layout_version = ?').run(stored);
      } finally {
        db.close();
      }
    },
    dispose: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeReadModelStoreContract('SQLite', createFixture);

describe('SQLite read-model store with an injected clock', () => {
  it('takes quarantine times and rebuild ids from it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'read-models-'));
    const clock = { now: () => '2031-05-06T07:08:09.010Z' };
    const store = SqliteReadModelStore.open({ dataDir, clock });
    const [first] = servicingHistory().events;
    try {
      await store.quarantineStream(first!, 'held back by the test');
      const rebuild = await store.beginRebuild();
      await rebuild.quarantineStream(first!, 'held back by the test');
      expect((await store.quarantinedStreams()).map((stream) => stream.quarantinedAt)).toEqual([clock.now()]);
      expect((await rebuild.quarantinedStreams()).map((stream) => stream.quarantinedAt)).toEqual([clock.now()]);
      expect(rebuild.rebuildId.startsWith(Date.parse(clock.now()).toString(36))).toBe(true);
      await rebuild.abandonRebuild();
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
