/**
 * A rebuild writes a second copy of every table into read-models.sqlite and drops the old one at the swap: the file
 * must not keep both sizes. Measured with SQLite's own counters (page_count, freelist_count) from another connection.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { RecordedEvent } from '@lib/event-sourcing';
import { ScenarioLog } from '../testing/scenario-log';
import { SQLITE_READ_MODELS_FILE, SqliteReadModelStore } from './sqlite-read-model-store';

interface Pages {
  readonly pageCount: number;
  readonly freelistCount: number;
  readonly autoVacuum: number;
}

function pagesOf(path: string): Pages {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const read = (pragma: string) => Number((db.prepare(`PRAGMA ${pragma}`).get() as Record<string, number>)[pragma]);
    return { pageCount: read('page_count'), freelistCount: read('freelist_count'), autoVacuum: read('auto_vacuum') };
  } finally {
    db.close();
  }
}

/** Enough policies for the tables to span a few hundred pages. */
function portfolio(): RecordedEvent[] {
  const log = new ScenarioLog().registerAgent('A-001', 'BJ01', 'NORTH');
  for (let n = 1; n <= 300; n++) {
    const policyId = `P-${String(n).padStart(4, '0')}`;
    log.issue({ policyId }).remind(policyId, 2, 'PRE_DUE', '2025-02-13').pay(policyId, '2025-03-10');
  }
  return log.events;
}

async function applyInBatches(
  store: { applyBatch(events: RecordedEvent[]): Promise<unknown> },
  events: RecordedEvent[],
) {
  for (let start = 0; start < events.length; start += 200) await store.applyBatch(events.slice(start, start + 200));
}

describe('SQLite read models: a rebuild gives the replaced tables’ pages back', () => {
  const events = portfolio();
  let dataDir: string;
  let path: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'read-models-reclaim-'));
    path = join(dataDir, SQLITE_READ_MODELS_FILE);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('after the swap no page is free and the file is the size of one model, not two', async () => {
    const store = SqliteReadModelStore.open({ dataDir });
    try {
      await applyInBatches(store, events);
      const live = pagesOf(path);
      expect(live.autoVacuum).toBe(2); // INCREMENTAL, set when the file was created

      const rebuild = await store.beginRebuild();
      await applyInBatches(rebuild, events);
      const both = pagesOf(path);
      expect(both.pageCount).toBeGreaterThan(1.8 * live.pageCount);

      await rebuild.completeRebuild();
      const after = pagesOf(path);
      expect(after.freelistCount).toBe(0);
      expect(after.pageCount).toBeLessThan(1.1 * live.pageCount);
      expect(statSync(path).size).toBeLessThanOrEqual(after.pageCount * 4096);
      // Still the same model.
      expect(await store.policySummary('P-0300')).toMatchObject({ policyId: 'P-0300' });
    } finally {
      await store.close();
    }
  });

  it('an abandoned rebuild leaves no free pages either', async () => {
    const store = SqliteReadModelStore.open({ dataDir });
    try {
      await applyInBatches(store, events);
      const live = pagesOf(path);
      const rebuild = await store.beginRebuild();
      await applyInBatches(rebuild, events);
      await rebuild.abandonRebuild();

      const after = pagesOf(path);
      expect(after.freelistCount).toBe(0);
      expect(after.pageCount).toBeLessThan(1.1 * live.pageCount);
    } finally {
      await store.close();
    }
  });

  it('a file created before auto_vacuum (NONE) is converted and compacted by its first rebuild', async () => {
    const legacy = new DatabaseSync(path);
    legacy.exec('PRAGMA journal_mode = WAL'); // writes the header: auto_vacuum can no longer change without VACUUM
    legacy.close();
    const store = SqliteReadModelStore.open({ dataDir });
    try {
      await applyInBatches(store, events);
      const live = pagesOf(path);
      expect(live.autoVacuum).toBe(0);

      const rebuild = await store.beginRebuild();
      await applyInBatches(rebuild, events);
      await rebuild.completeRebuild();

      const after = pagesOf(path);
      expect(after).toMatchObject({ autoVacuum: 2, freelistCount: 0 });
      expect(after.pageCount).toBeLessThan(1.1 * live.pageCount);
      expect(await store.policySummary('P-0001')).toMatchObject({ policyId: 'P-0001' });
    } finally {
      await store.close();
    }
  });
});
