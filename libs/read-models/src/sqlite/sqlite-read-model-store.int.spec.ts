/** The read-model contract suite against real SQLite files, one temporary directory per fixture. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeReadModelStoreContract, type ReadModelStoreFixture } from '../testing/read-model-store-contract';
import { SqliteReadModelStore } from './sqlite-read-model-store';

async function createFixture(): Promise<ReadModelStoreFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'read-models-'));
  const store = SqliteReadModelStore.open({ dataDir });
  return {
    store,
    openAnother: async () => SqliteReadModelStore.open({ dataDir }),
    dispose: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeReadModelStoreContract('SQLite', createFixture);
