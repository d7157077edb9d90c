/** The read-model contract suite against real SQLite files, one temporary directory per fixture. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describeReadModelStoreContract, type ReadModelStoreFixture } from '../testing/read-model-store-contract';
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
