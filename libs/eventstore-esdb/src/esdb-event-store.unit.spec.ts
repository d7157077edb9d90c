import { createServer } from 'node:net';
import { ConcurrencyError, type RecordedEvent } from '@lib/event-sourcing';
import { testEvent } from '@lib/event-sourcing/testing';
import { EsdbEventStore } from './esdb-event-store';
import { isTransientError } from './esdb-mapping';

// The real client against an address where nothing listens: what the adapter does when EventStoreDB is down.
// (Behaviour against a live server is the contract suite, esdb-event-store.int.spec.ts.)

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('No TCP port');
  return address.port;
}

describe('EsdbEventStore without a reachable server', () => {
  let connectionString: string;
  let store: EsdbEventStore;

  beforeAll(async () => {
    connectionString = `esdb://127.0.0.1:${await unusedPort()}?tls=false&defaultDeadline=2000`;
  });

  beforeEach(() => {
    store = EsdbEventStore.connect(connectionString, {
      readinessTimeoutMs: 2_000,
      resubscribe: { initialDelayMs: 10 },
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it('reports not ready, and ping() rejects', async () => {
    expect(await store.isReady()).toBe(false);
    await expect(store.ping()).rejects.toThrow();
  });

  it('rejects an append with a transient error, not a concurrency conflict', async () => {
    const error = await store
      .append('policy-P-1', [testEvent('Noted')], 'no_stream')
      .catch((reason: unknown) => reason);
    expect(error).not.toBeInstanceOf(ConcurrencyError);
    expect(isTransientError(error)).toBe(true);
  });

  it('keeps resubscribing while the server is unreachable, and surfaces the error after maxAttempts', async () => {
    const drops: number[] = [];
    const retrying = EsdbEventStore.connect(connectionString, {
      resubscribe: { initialDelayMs: 10, maxAttempts: 3, onDropped: (_error, attempt) => drops.push(attempt) },
    });
    const delivered: RecordedEvent[] = [];
    try {
      const error = await (async () => {
        for await (const event of retrying.subscribeToAll()) delivered.push(event);
      })().catch((reason: unknown) => reason);
      expect(isTransientError(error)).toBe(true);
      expect(drops).toEqual([1, 2]);
      expect(delivered).toEqual([]);
    } finally {
      await retrying.close();
    }
  });

  it('close() ends a subscription that is waiting to resubscribe', async () => {
    const dropped: unknown[] = [];
    const retrying = EsdbEventStore.connect(connectionString, {
      resubscribe: { initialDelayMs: 60_000, onDropped: (error) => dropped.push(error) },
    });
    const delivered: RecordedEvent[] = [];
    const iteration = (async () => {
      for await (const event of retrying.subscribeToAll()) delivered.push(event);
    })();
    await waitFor(() => dropped.length === 1);

    await retrying.close();

    await expect(iteration).resolves.toBeUndefined();
    expect(delivered).toEqual([]);
    expect(isTransientError(dropped[0])).toBe(true);
  });

  it('is closed for good: close() is idempotent and later calls are refused', async () => {
    await store.close();
    await store.close();
    await expect(store.readStream('policy-P-1')).rejects.toThrow('closed');
    expect(() => store.subscribeToAll()).toThrow('closed');
  });

  it('refuses an empty append before calling the server', async () => {
    await expect(store.append('policy-P-1', [], 'any')).rejects.toThrow(TypeError);
  });
});

describe('EsdbEventStore.connect', () => {
  it.each([
    'esdb://localhost:2113?tls=false',
    'esdb://eventstore:2113?tls=false&keepAliveInterval=10000&keepAliveTimeout=10000&defaultDeadline=5000',
    'esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true&nodePreference=leader',
    'esdb+discover://admin:changeit@cluster.example.com:2113?tls=true&maxDiscoverAttempts=5',
  ])('accepts %s without connecting yet', async (connectionString) => {
    const store = EsdbEventStore.connect(connectionString);
    await store.close();
  });

  it.each(['http://localhost:2113', 'esdb://localhost:port', 'esdb://localhost:2113?tls=maybe'])(
    'rejects the malformed connection string %s',
    (connectionString) => {
      expect(() => EsdbEventStore.connect(connectionString)).toThrow();
    },
  );
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; !condition(); attempt++) {
    if (attempt > 1_000) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
