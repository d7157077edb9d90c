/**
 * Bench helper: the raw PostgreSQL ceiling of the projector — what PostgreSQL absorbs for the row changes the projector
 * writes for a backlog, with the same statement shapes, when nothing else is done.
 *
 * The events are spread over `partitions` by stream id (as the producer keys them) and cut into transactions of
 * `batchSize` events per partition, as the projector cuts its fetches. Before the clock starts, each transaction's
 * statements are made by the store's own table writer (every table's multi-row upserts and deletes, and the streams'
 * revisions and states); then `concurrency` connections replay them straight through `pg`, partitions side by side
 * as the projector applies them, each transaction pipelined in one round trip and one socket write. Not replayed:
 * what is the projector's own work — decoding, projecting, reading progress and quarantine, the revision checks, the
 * checkpoint.
 */
import { type RecordedEvent } from '@lib/event-sourcing';
import { PostgresReadModelStore } from '@lib/read-models';
import { Pool, type Client, type PoolClient } from 'pg';
/* eslint-disable no-restricted-imports -- the ceiling replays the store's own statements, made by its internals */
import { decodeBatch, projectBatch, type StreamProgress } from '../libs/read-models/src/projections/project-batch';
import { PostgresTableWriter } from '../libs/read-models/src/postgres/postgres-table-writer';
/* eslint-enable no-restricted-imports */

interface CeilingOptions {
  readonly url: string;
  /** A fresh schema for the ceiling's tables (the caller drops it). */
  readonly schema: string;
  readonly events: readonly RecordedEvent[];
  readonly partitions: number;
  readonly batchSize: number;
  /** Transactions at once (the projector's partitions applied concurrently). */
  readonly concurrency: number;
}

interface CeilingResult {
  readonly events: number;
  readonly transactions: number;
  /** Transactions replayed again after a deadlock (rows locked in different orders by transactions at once). */
  readonly deadlocks: number;
  readonly seconds: number;
}

interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

interface Transaction {
  readonly events: number;
  readonly statements: readonly Statement[];
}

/** FNV-1a: an even spread of stream ids over partitions, like the producer's key hash. */
function partitionOf(streamId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < streamId.length; index++) {
    hash ^= streamId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/** Each partition's transactions, in log order, with the statements the table writer sends for them. */
async function transactionsOf(options: CeilingOptions): Promise<Transaction[][]> {
  const byPartition = Array.from({ length: options.partitions }, () => [] as RecordedEvent[]);
  for (const event of options.events) byPartition[partitionOf(event.streamId, options.partitions)]!.push(event);
  const writer = new PostgresTableWriter(options.schema, { now: () => new Date().toISOString() });
  const progress = new Map<string, StreamProgress>();
  const transactions: Transaction[][] = [];
  for (const events of byPartition) {
    const partition: Transaction[] = [];
    for (let start = 0; start < events.length; start += options.batchSize) {
      const chunk = events.slice(start, start + options.batchSize);
      const projection = projectBatch(decodeBatch(chunk), (streamId) => progress.get(streamId));
      for (const [streamId, advanced] of projection.advanced) progress.set(streamId, advanced);
      const statements: Statement[] = [];
      const recorder = {
        query: (text: string, values: unknown[]) => {
          statements.push({ text, values });
          return Promise.resolve({ rows: [], rowCount: 0 });
        },
      } as unknown as PoolClient;
      await writer.writeStates(recorder, [...projection.advanced]);
      await writer.writeChanges(recorder, projection.changes);
      partition.push({ events: chunk.length, statements });
    }
    transactions.push(partition);
  }
  return transactions;
}

export async function postgresCeiling(options: CeilingOptions): Promise<CeilingResult> {
  const transactions = await transactionsOf(options);
  const store = await PostgresReadModelStore.connect({ url: options.url, schema: options.schema });
  await store.close();
  const pool = new Pool({ connectionString: options.url, max: options.concurrency, pipeline: true });
  const clients = await Promise.all(Array.from({ length: options.concurrency }, () => pool.connect()));
  let deadlocks = 0;
  /** One transaction in one round trip and one socket write; again after a deadlock, as the store does. */
  const replay = async (client: PoolClient, transaction: Transaction): Promise<void> => {
    for (;;) {
      const socket = (client as unknown as Client).connection.stream;
      socket.cork();
      const replayed = Promise.all([
        client.query('BEGIN'),
        ...transaction.statements.map((statement) => client.query(statement.text, statement.values)),
        client.query('COMMIT'),
      ]);
      socket.uncork();
      try {
        await replayed;
        return;
      } catch (error) {
        await client.query('ROLLBACK');
        if ((error as { code?: unknown }).code !== '40P01') throw error;
        deadlocks++;
      }
    }
  };
  try {
    const started = performance.now();
    // Worker w applies the partitions w, w + concurrency, …, one transaction of each in turn.
    await Promise.all(
      clients.map(async (client, worker) => {
        const own = transactions.filter((_, partition) => partition % options.concurrency === worker);
        for (let round = 0; own.some((partition) => round < partition.length); round++) {
          for (const partition of own) {
            const transaction = partition[round];
            if (transaction !== undefined) await replay(client, transaction);
          }
        }
      }),
    );
    return {
      events: options.events.length,
      transactions: transactions.reduce((sum, partition) => sum + partition.length, 0),
      deadlocks,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const client of clients) client.release();
    await pool.end();
  }
}
