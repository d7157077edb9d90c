/**
 * Everything the read models answer, gathered through the store's public report queries (every table of DESIGN 5),
 * so two read models can be compared row for row; and the reference they are compared with: a fresh rebuild from the
 * event store (the path `policyctl rebuild` takes: beginRebuild → applyBatch over readAll pages → completeRebuild).
 */
import { type RecordedEvent } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { createReadModelStore, type ReadModelReader, type ReadModelStore, type ReportPage } from '@lib/read-models';

const ALL_TIME = { from: '1900-01-01', to: '2999-12-31' } as const;
const AS_OF = '2023-01-31';

async function allRows<Row>(page: (cursor: string | null) => Promise<ReportPage<Row>>): Promise<Row[]> {
  const rows: Row[] = [];
  for (let cursor: string | null = null; ;) {
    const result: ReportPage<Row> = await page(cursor);
    rows.push(...result.rows);
    if (result.nextCursor === null) return rows;
    cursor = result.nextCursor;
  }
}

interface ReadModelSnapshot {
  readonly eventsApplied: number;
  readonly policySummaries: unknown[];
  readonly premiumInstallments: unknown[];
  readonly servicingActivity: unknown[];
  readonly agentWorkload: unknown[];
  readonly survivalBenefits: unknown[];
  readonly lapses: unknown[];
  readonly transfers: unknown[];
}

export async function snapshotReadModels(
  store: ReadModelReader,
  policyIds: readonly string[],
): Promise<ReadModelSnapshot> {
  const limit = 1000;
  const summaries = await Promise.all([...policyIds].sort().map((policyId) => store.policySummary(policyId)));
  return {
    eventsApplied: (await store.checkpoint()).eventsApplied,
    policySummaries: summaries,
    premiumInstallments: await allRows((cursor) => store.premiumsDue({ ...ALL_TIME, asOf: AS_OF, limit, cursor })),
    servicingActivity: await allRows((cursor) => store.servicingActivity({ ...ALL_TIME, limit, cursor })),
    agentWorkload: await allRows((cursor) => store.agentWorkload({ asOf: AS_OF, limit, cursor })),
    survivalBenefits: await allRows((cursor) => store.survivalBenefits({ ...ALL_TIME, limit, cursor })),
    lapses: await allRows((cursor) => store.lapses({ ...ALL_TIME, limit, cursor })),
    transfers: await allRows((cursor) => store.transfers({ ...ALL_TIME, limit, cursor })),
  };
}

/** Every event of the embedded store (read beside the running API). */
export async function readAllEvents(eventsFile: string): Promise<RecordedEvent[]> {
  const events = await SqliteEventStore.open({ path: eventsFile });
  try {
    return await events.readAll();
  } finally {
    await events.close();
  }
}

/** A fresh rebuild of every read model from the event store into its own PostgreSQL schema. */
export async function freshRebuild(url: string, schema: string, eventsFile: string): Promise<ReadModelStore> {
  const store = await createReadModelStore({ readModelUrl: url, schema });
  const events = await SqliteEventStore.open({ path: eventsFile });
  try {
    const rebuilding = await store.beginRebuild();
    let after: string | undefined;
    for (;;) {
      const page = await events.readAll({ ...(after === undefined ? {} : { after }), maxCount: 2000 });
      if (page.length === 0) break;
      await rebuilding.applyBatch(page);
      after = page[page.length - 1].position;
    }
    await rebuilding.completeRebuild();
    return store;
  } catch (error) {
    await store.close();
    throw error;
  } finally {
    await events.close();
  }
}

export function policyIdsOf(events: readonly RecordedEvent[]): string[] {
  return [
    ...new Set(events.filter((event) => event.streamId.startsWith('policy-')).map((event) => event.streamId.slice(7))),
  ];
}
