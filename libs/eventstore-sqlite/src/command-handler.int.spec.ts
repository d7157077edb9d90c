import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AggregateCache,
  ConcurrencyError,
  createEventCodec,
  handleCommand,
  loadAggregate,
  loadCurrentState,
  type Aggregate,
  type AppendResult,
  type CommandHandlerDeps,
  type CommandMetadata,
  type Decider,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
} from '@lib/event-sourcing';
import { testEvent } from '@lib/event-sourcing/testing';
import { SqliteEventStore } from './sqlite-event-store';

// The kernel's command loop against a real store. A tiny counter with one rule: the total never exceeds 10.
type CounterCommand = { type: 'Increment'; by: number };
type CounterEvent = { type: 'Incremented'; data: { by: number } };
type CounterState = { total: number };

class LimitExceededError extends Error {
  override readonly name = 'LimitExceededError';
}

const LIMIT = 10;
const counterDecider: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command, state) => {
    if (command.by === 0) return [];
    if (state.total + command.by > LIMIT) throw new LimitExceededError(`${state.total} + ${command.by} > ${LIMIT}`);
    return [{ type: 'Incremented', data: { by: command.by } }];
  },
};
// Version 1 stored `{ amount }`; version 2 renamed it to `by`.
const counterCodec = createEventCodec<CounterEvent>({
  Incremented: { currentVersion: 2, upcasters: { 1: (data) => ({ by: data.amount }) } },
});

/** The decider, recording every state `decide` saw: proves when the loop re-decided and on what. */
function observedCounter() {
  const decidedOn: number[] = [];
  const aggregate: Aggregate<CounterCommand, CounterEvent, CounterState> = {
    codec: counterCodec,
    decider: {
      ...counterDecider,
      decide: (command, state) => {
        decidedOn.push(state.total);
        return counterDecider.decide(command, state);
      },
    },
  };
  return { aggregate, decidedOn };
}

/** The real store; `beforeAppend` lets a competing writer get in between a command's read and its append. */
class RacedStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly beforeAppend: () => Promise<void>,
  ) {}
  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    await this.beforeAppend();
    return this.inner.append(streamId, events, expected);
  }
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  close = () => this.inner.close();
}

/** The real store, recording how each stream was read (whole, or only from some revision on). */
class ReadRecordingStore implements EventStore {
  readonly reads: { streamId: string; fromRevision?: number }[] = [];
  constructor(private readonly inner: EventStore) {}
  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readStream(streamId: string, options?: ReadStreamOptions) {
    this.reads.push({
      streamId,
      ...(options?.fromRevision === undefined ? {} : { fromRevision: options.fromRevision }),
    });
    return this.inner.readStream(streamId, options);
  }
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  close = () => this.inner.close();
}

const metadata: CommandMetadata = {
  correlationId: '6f1c1d54-7a3b-4b8e-9a43-0c2f7b1e5d10',
  actor: { id: 'clerk-1', roles: ['clerk'] },
  channel: 'REST',
};

describe('command loop: read → fold → decide → append', () => {
  let directory: string;
  let store: SqliteEventStore;
  let ticks: number;
  let ids: number;
  let deps: CommandHandlerDeps;

  const clock = { now: () => new Date(Date.UTC(2024, 0, 1, 9, 0, ticks++)).toISOString() };
  const idGenerator = { newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` };
  const increment = (by: number): CounterCommand => ({ type: 'Increment', by });
  /** A competing writer: appends +by with the revision it reads, as another API instance would. */
  const competitor = (stream: string, by: number) => async () => {
    await handleCommand(deps, { decider: counterDecider, codec: counterCodec }, stream, increment(by), { metadata });
  };

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'command-loop-'));
    store = await SqliteEventStore.open({ path: path.join(directory, 'events.sqlite') });
    ticks = 0;
    ids = 0;
    deps = { store, clock, ids: idGenerator };
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('a new stream is created with its first event at revision 0', async () => {
    const { aggregate } = observedCounter();
    const result = await handleCommand(deps, aggregate, 'counter-new', increment(3), { metadata });

    expect(result).toMatchObject({ revision: 0, state: { total: 3 }, replayed: false });
    expect(await store.readStream('counter-new')).toHaveLength(1);
  });

  it('two racing commands: the loser re-reads and re-decides on the winner’s state, both land', async () => {
    await handleCommand(deps, observedCounter().aggregate, 'counter-race', increment(1), { metadata });
    const { aggregate, decidedOn } = observedCounter();

    const results = await Promise.all([
      handleCommand(deps, aggregate, 'counter-race', increment(2), { metadata }),
      handleCommand(deps, aggregate, 'counter-race', increment(3), { metadata }),
    ]);

    // Both decided on total 1; the loser decided again on the winner's state (1 + 2 or 1 + 3).
    expect(decidedOn.slice(0, 2)).toEqual([1, 1]);
    expect(decidedOn).toHaveLength(3);
    expect([3, 4]).toContain(decidedOn[2]);
    expect(results.map((result) => result.revision).sort()).toEqual([1, 2]);
    expect(Math.max(...results.map((result) => result.state.total))).toBe(6);
    const loaded = await loadAggregate(store, aggregate, 'counter-race');
    expect(loaded).toMatchObject({ revision: 2, state: { total: 6 } });
  });

  it('a rule broken by the newer state after the re-read → the domain error, and nothing written', async () => {
    await handleCommand(deps, counterAggregate(), 'counter-limit', increment(8), { metadata });
    let raced = false;
    const racedDeps = {
      ...deps,
      store: new RacedStore(store, async () => {
        if (raced) return;
        raced = true;
        await competitor('counter-limit', 2)(); // total is now 10: another +2 breaks the rule
      }),
    };
    const { aggregate, decidedOn } = observedCounter();

    await expect(
      handleCommand(racedDeps, aggregate, 'counter-limit', increment(2), { metadata }),
    ).rejects.toBeInstanceOf(LimitExceededError);
    expect(decidedOn).toEqual([8, 10]);
    expect((await store.readStream('counter-limit')).map((event) => event.data)).toEqual([{ by: 8 }, { by: 2 }]);
  });

  it('If-Match with a stale revision fails at once: no decision, no retry, nothing written', async () => {
    await handleCommand(deps, counterAggregate(), 'counter-if-match', increment(1), { metadata });
    await handleCommand(deps, counterAggregate(), 'counter-if-match', increment(1), { metadata });
    const { aggregate, decidedOn } = observedCounter();

    const error = await handleCommand(deps, aggregate, 'counter-if-match', increment(1), {
      metadata,
      expectedRevision: 0,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ expected: 0, actual: 1 });
    expect(decidedOn).toEqual([]);
    expect(await store.readStream('counter-if-match')).toHaveLength(2);
  });

  it('If-Match current at read but overtaken before the append → ConcurrencyError without a retry', async () => {
    await handleCommand(deps, counterAggregate(), 'counter-if-match-race', increment(1), { metadata });
    let raced = false;
    const racedDeps = {
      ...deps,
      store: new RacedStore(store, async () => {
        if (!raced) await competitor('counter-if-match-race', 1)();
        raced = true;
      }),
    };
    const { aggregate, decidedOn } = observedCounter();

    await expect(
      handleCommand(racedDeps, aggregate, 'counter-if-match-race', increment(1), { metadata, expectedRevision: 0 }),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', expected: 0, actual: 1 });
    expect(decidedOn).toEqual([1]);
  });

  it('retries are bounded: a writer that always wins → ConcurrencyError after maxAttempts decisions', async () => {
    await handleCommand(deps, counterAggregate(), 'counter-contended', increment(1), { metadata });
    const racedDeps = { ...deps, store: new RacedStore(store, competitor('counter-contended', 1)) };
    const { aggregate, decidedOn } = observedCounter();

    await expect(
      handleCommand(racedDeps, aggregate, 'counter-contended', increment(1), { metadata, maxAttempts: 3 }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(decidedOn).toEqual([1, 2, 3]);
    expect(await store.readStream('counter-contended')).toHaveLength(4); // the first event + the competitor's three
  });

  it('a decision with no events writes nothing and reports the current revision', async () => {
    await handleCommand(deps, counterAggregate(), 'counter-noop', increment(4), { metadata });

    const result = await handleCommand(deps, counterAggregate(), 'counter-noop', increment(0), { metadata });

    expect(result).toMatchObject({ events: [], revision: 0, state: { total: 4 }, replayed: false });
    expect(result.position).toBeUndefined();
  });

  it('appended events carry ids, clock time, schema version and the command’s correlation', async () => {
    const result = await handleCommand(deps, counterAggregate(), 'counter-metadata', increment(5), {
      metadata: { ...metadata, idempotencyKey: 'key-1' },
    });

    const [stored] = await store.readStream('counter-metadata');
    expect(result.events).toEqual([
      { eventId: stored.eventId, type: 'Incremented', data: { by: 5 }, metadata: stored.metadata, revision: 0 },
    ]);
    expect(result.position).toBe(stored.position);
    expect(stored.metadata).toEqual({
      eventId: '00000000-0000-4000-8000-000000000001',
      correlationId: metadata.correlationId,
      causationId: metadata.correlationId,
      actor: { id: 'clerk-1', roles: ['clerk'] },
      channel: 'REST',
      idempotencyKey: 'key-1',
      recordedAt: '2024-01-01T09:00:00.000Z',
      schemaVersion: 2,
    });
  });

  it('the same idempotency key from the same actor replays the first events and writes nothing', async () => {
    const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-2024-01' } };
    const first = await handleCommand(deps, counterAggregate(), 'counter-idempotent', increment(2), keyed);

    const again = await handleCommand(deps, counterAggregate(), 'counter-idempotent', increment(2), keyed);
    const otherActor = await handleCommand(deps, counterAggregate(), 'counter-idempotent', increment(2), {
      metadata: { ...keyed.metadata, actor: { id: 'clerk-2', roles: ['clerk'] } },
    });

    expect(again).toMatchObject({ replayed: true, events: first.events, revision: 0 });
    expect(otherActor).toMatchObject({ replayed: false, revision: 1 });
    expect(await store.readStream('counter-idempotent')).toHaveLength(2);
  });

  it('a recorded rejection of the key is thrown again instead of deciding anew; the key’s events win over it', async () => {
    const keyed = { metadata: { ...metadata, idempotencyKey: 'raise-1' } };
    const rejection = new LimitExceededError('recorded: 9 + 2 > 10');
    const { aggregate, decidedOn } = observedCounter();

    await expect(
      handleCommand(deps, aggregate, 'counter-rejected', increment(2), { ...keyed, rejection }),
    ).rejects.toBe(rejection);
    expect(decidedOn).toEqual([]);
    await expect(store.readStream('counter-rejected')).rejects.toThrow(/not found/);

    // A concurrent execution under the key that succeeded after all: its events are the answer.
    const first = await handleCommand(deps, aggregate, 'counter-rejected', increment(2), keyed);
    const again = await handleCommand(deps, aggregate, 'counter-rejected', increment(2), { ...keyed, rejection });
    expect(again).toMatchObject({ replayed: true, events: first.events });
  });

  it('a recorded rejection is only thrown on the store’s word, not a cached state’s', async () => {
    const cache = new AggregateCache({ maxStreams: 10, freshness: 'check-at-append' });
    const cached = { ...deps, cache };
    const keyed = { metadata: { ...metadata, idempotencyKey: 'raise-2' } };
    const aggregate = counterAggregate(); // the cache holds states per aggregate object
    await handleCommand(cached, aggregate, 'counter-cached-rejection', increment(1), { metadata });
    // Another process executes the key meanwhile; this process's cache does not know.
    const succeeded = await handleCommand(deps, aggregate, 'counter-cached-rejection', increment(2), keyed);
    expect(cache.get(aggregate, 'counter-cached-rejection')).toMatchObject({ revision: 0 });

    const answer = await handleCommand(cached, aggregate, 'counter-cached-rejection', increment(2), {
      ...keyed,
      rejection: new LimitExceededError('recorded'),
    });

    expect(answer).toMatchObject({ replayed: true, events: succeeded.events });
  });

  describe('loading an aggregate', () => {
    beforeEach(async () => {
      for (const by of [1, 2, 3])
        await handleCommand(deps, counterAggregate(), 'counter-history', increment(by), { metadata });
    });

    it('a missing stream is the initial state with revision no_stream', async () => {
      expect(await loadAggregate(store, counterAggregate(), 'counter-none')).toEqual({
        state: { total: 0 },
        revision: 'no_stream',
        events: [],
      });
    });

    it('toRevision folds the events up to and including that revision', async () => {
      const loaded = await loadAggregate(store, counterAggregate(), 'counter-history', { toRevision: 1 });
      expect(loaded).toMatchObject({ revision: 1, state: { total: 3 } });
      expect(loaded.events).toHaveLength(2);
    });

    it('asOf folds what was recorded at or before that instant', async () => {
      // The clock ticks one second per event: 09:00:00, 09:00:01, 09:00:02.
      const asOf = (instant: string) => loadAggregate(store, counterAggregate(), 'counter-history', { asOf: instant });
      expect(await asOf('2024-01-01T09:00:01.000Z')).toMatchObject({ revision: 1, state: { total: 3 } });
      expect(await asOf('2024-01-01T09:00:01.999Z')).toMatchObject({ revision: 1 });
      expect(await asOf('2024-01-01T08:59:59.999Z')).toMatchObject({ revision: 'no_stream', state: { total: 0 } });
      expect(await asOf('2030-01-01T00:00:00.000Z')).toMatchObject({ revision: 2, state: { total: 6 } });
    });

    it('events stored in an older schema version are upcast before folding', async () => {
      const legacy = testEvent('Incremented', { amount: 7 });
      await store.append(
        'counter-legacy',
        [{ ...legacy, metadata: { ...legacy.metadata, schemaVersion: 1 } }],
        'no_stream',
      );

      const result = await handleCommand(deps, counterAggregate(), 'counter-legacy', increment(3), { metadata });

      expect(result).toMatchObject({ revision: 1, state: { total: 10 } });
    });
  });
});

describe('command loop with an aggregate cache', () => {
  let directory: string;
  let store: SqliteEventStore;
  let recording: ReadRecordingStore;
  let ids: number;
  let cache: AggregateCache;
  let cachedDeps: CommandHandlerDeps;
  /** Another API instance: same store, no shared cache. */
  let otherInstance: CommandHandlerDeps;

  const clock = { now: () => '2024-01-01T09:00:00.000Z' };
  const idGenerator = { newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` };
  const increment = (by: number): CounterCommand => ({ type: 'Increment', by });

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'command-loop-cache-'));
    store = await SqliteEventStore.open({ path: path.join(directory, 'events.sqlite') });
    recording = new ReadRecordingStore(store);
    ids = 0;
    cache = new AggregateCache({ maxStreams: 100 });
    cachedDeps = { store: recording, clock, ids: idGenerator, cache };
    otherInstance = { store, clock, ids: idGenerator };
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('after an append the next command reads only the events after the cached revision', async () => {
    const { aggregate, decidedOn } = observedCounter();
    await handleCommand(cachedDeps, aggregate, 'counter-hit', increment(1), { metadata });
    await handleCommand(cachedDeps, aggregate, 'counter-hit', increment(2), { metadata });
    const third = await handleCommand(cachedDeps, aggregate, 'counter-hit', increment(3), { metadata });

    expect(decidedOn).toEqual([0, 1, 3]);
    expect(third).toMatchObject({ revision: 2, state: { total: 6 } });
    // The first read finds no stream; the cache then holds revision 0, then 1: nothing is read twice.
    expect(recording.reads).toEqual([
      { streamId: 'counter-hit' },
      { streamId: 'counter-hit', fromRevision: 1 },
      { streamId: 'counter-hit', fromRevision: 2 },
    ]);
    expect(await loadAggregate(store, aggregate, 'counter-hit')).toMatchObject({ revision: 2, state: { total: 6 } });
  });

  it('another writer appends behind the cache → the next command catches up and decides on the newer state', async () => {
    const { aggregate, decidedOn } = observedCounter();
    await handleCommand(cachedDeps, aggregate, 'counter-other', increment(2), { metadata });
    await handleCommand(otherInstance, counterAggregate(), 'counter-other', increment(3), { metadata });
    await handleCommand(otherInstance, counterAggregate(), 'counter-other', increment(4), { metadata });

    const result = await handleCommand(cachedDeps, aggregate, 'counter-other', increment(1), { metadata });

    expect(decidedOn).toEqual([0, 9]);
    expect(result).toMatchObject({ revision: 3, state: { total: 10 } });
    expect(recording.reads.at(-1)).toEqual({ streamId: 'counter-other', fromRevision: 1 });
    // The rules see the caught-up state: total 10 leaves no room for another +1.
    await expect(
      handleCommand(cachedDeps, aggregate, 'counter-other', increment(1), { metadata }),
    ).rejects.toBeInstanceOf(LimitExceededError);
  });

  it('current-state queries through the cache see other writers too', async () => {
    await handleCommand(cachedDeps, counterAggregate(), 'counter-query', increment(2), { metadata });
    await handleCommand(otherInstance, counterAggregate(), 'counter-query', increment(5), { metadata });

    const aggregate = counterAggregate();
    expect(await loadCurrentState(recording, aggregate, 'counter-query', cache)).toEqual({
      revision: 1,
      state: { total: 7 },
    });
    expect(await loadCurrentState(recording, aggregate, 'counter-missing', cache)).toEqual({
      revision: 'no_stream',
      state: { total: 0 },
    });
  });

  it('If-Match with the revision another instance wrote: the cache catches up, the command is not stale', async () => {
    const aggregate = counterAggregate();
    await handleCommand(cachedDeps, aggregate, 'counter-if-match', increment(1), { metadata });
    await handleCommand(otherInstance, aggregate, 'counter-if-match', increment(1), { metadata });

    const result = await handleCommand(cachedDeps, aggregate, 'counter-if-match', increment(1), {
      metadata,
      expectedRevision: 1,
    });

    expect(result).toMatchObject({ revision: 2, state: { total: 3 } });
  });

  it('a race lost to another instance: the loser catches up from its cached revision and re-decides', async () => {
    const aggregate = counterAggregate();
    await handleCommand(cachedDeps, aggregate, 'counter-race', increment(1), { metadata });
    let raced = false;
    const racedDeps = {
      ...cachedDeps,
      store: new RacedStore(recording, async () => {
        if (raced) return;
        raced = true;
        await handleCommand(otherInstance, aggregate, 'counter-race', increment(2), { metadata });
      }),
    };
    const { aggregate: observed, decidedOn } = observedCounter();
    cache.remember('counter-race', { ...cache.get(aggregate, 'counter-race')!, aggregate: observed });

    const result = await handleCommand(racedDeps, observed, 'counter-race', increment(3), { metadata });

    expect(decidedOn).toEqual([1, 3]);
    expect(result).toMatchObject({ revision: 2, state: { total: 6 } });
    expect(cache.get(observed, 'counter-race')).toMatchObject({ revision: 2, state: { total: 6 } });
  });

  it('concurrent commands in one instance share the cache and both land on the right state', async () => {
    const aggregate = counterAggregate();
    await handleCommand(cachedDeps, aggregate, 'counter-concurrent', increment(1), { metadata });

    const results = await Promise.all(
      [1, 2, 3].map((by) => handleCommand(cachedDeps, aggregate, 'counter-concurrent', increment(by), { metadata })),
    );

    expect(results.map((result) => result.revision).sort()).toEqual([1, 2, 3]);
    expect(cache.get(aggregate, 'counter-concurrent')).toMatchObject({ revision: 3, state: { total: 7 } });
    expect(await loadAggregate(store, aggregate, 'counter-concurrent')).toMatchObject({ state: { total: 7 } });
  });

  it('the same idempotency key replays the first events from the cache and writes nothing', async () => {
    const aggregate = counterAggregate();
    const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-1' } };
    const first = await handleCommand(cachedDeps, aggregate, 'counter-key', increment(2), keyed);
    await handleCommand(cachedDeps, aggregate, 'counter-key', increment(1), { metadata });

    const again = await handleCommand(cachedDeps, aggregate, 'counter-key', increment(2), keyed);
    const otherActor = await handleCommand(cachedDeps, aggregate, 'counter-key', increment(2), {
      metadata: { ...keyed.metadata, actor: { id: 'clerk-2', roles: ['clerk'] } },
    });

    expect(again).toMatchObject({ replayed: true, events: first.events, revision: 0 });
    expect(otherActor).toMatchObject({ replayed: false, revision: 2 });
    expect(await store.readStream('counter-key')).toHaveLength(3);
  });

  it('a key used through another instance is found when the cache catches up: replayed, nothing written', async () => {
    const aggregate = counterAggregate();
    const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-elsewhere' } };
    await handleCommand(cachedDeps, aggregate, 'counter-key-elsewhere', increment(1), { metadata });
    const first = await handleCommand(otherInstance, aggregate, 'counter-key-elsewhere', increment(2), keyed);

    const again = await handleCommand(cachedDeps, aggregate, 'counter-key-elsewhere', increment(2), keyed);

    expect(again).toMatchObject({ replayed: true, events: first.events, revision: 1 });
    expect(await store.readStream('counter-key-elsewhere')).toHaveLength(2);
  });

  it('two racing requests with one key through the cache: exactly one writes, the other replays it', async () => {
    const aggregate = counterAggregate();
    const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-race' } };
    await handleCommand(cachedDeps, aggregate, 'counter-key-race', increment(1), { metadata });

    const results = await Promise.all([
      handleCommand(cachedDeps, aggregate, 'counter-key-race', increment(2), keyed),
      handleCommand(cachedDeps, aggregate, 'counter-key-race', increment(2), keyed),
    ]);

    expect(results.map((result) => result.replayed).sort()).toEqual([false, true]);
    expect(results[0].events).toEqual(results[1].events);
    expect(await store.readStream('counter-key-race')).toHaveLength(2);
  });

  describe("freshness 'check-at-append': decide on the cached state, the append checks it", () => {
    let optimistic: CommandHandlerDeps;

    beforeEach(() => {
      optimistic = {
        ...cachedDeps,
        cache: new AggregateCache({ maxStreams: 100, freshness: 'check-at-append' }),
      };
    });

    it('a cached stream is not read at all before deciding', async () => {
      const { aggregate, decidedOn } = observedCounter();
      await handleCommand(optimistic, aggregate, 'counter-no-read', increment(1), { metadata });
      await handleCommand(optimistic, aggregate, 'counter-no-read', increment(2), { metadata });
      const third = await handleCommand(optimistic, aggregate, 'counter-no-read', increment(3), { metadata });

      expect(decidedOn).toEqual([0, 1, 3]);
      expect(third).toMatchObject({ revision: 2, state: { total: 6 } });
      expect(recording.reads).toEqual([{ streamId: 'counter-no-read' }]);
    });

    it('another writer appended: the append conflicts, the loop catches up and decides on the newer state', async () => {
      const { aggregate, decidedOn } = observedCounter();
      await handleCommand(optimistic, aggregate, 'counter-stale', increment(2), { metadata });
      await handleCommand(otherInstance, counterAggregate(), 'counter-stale', increment(3), { metadata });

      const result = await handleCommand(optimistic, aggregate, 'counter-stale', increment(4), { metadata });

      expect(decidedOn).toEqual([0, 2, 5]);
      expect(result).toMatchObject({ revision: 2, state: { total: 9 } });
      expect(recording.reads.at(-1)).toEqual({ streamId: 'counter-stale', fromRevision: 1 });
      expect((await store.readStream('counter-stale')).map((event) => event.data)).toEqual([
        { by: 2 },
        { by: 3 },
        { by: 4 },
      ]);
    });

    it('a rule rejection on a stale cached state is checked again on the store’s state', async () => {
      const { aggregate, decidedOn } = observedCounter();
      await handleCommand(optimistic, aggregate, 'counter-reject', increment(10), { metadata });
      await handleCommand(otherInstance, counterAggregate(), 'counter-reject', increment(-5), { metadata });

      const result = await handleCommand(optimistic, aggregate, 'counter-reject', increment(3), { metadata });

      expect(decidedOn).toEqual([0, 10, 5]);
      expect(result).toMatchObject({ revision: 2, state: { total: 8 } });
    });

    it('a rejection that holds on the store’s state is thrown, and nothing is written', async () => {
      const aggregate = counterAggregate();
      await handleCommand(optimistic, aggregate, 'counter-full', increment(10), { metadata });

      await expect(
        handleCommand(optimistic, aggregate, 'counter-full', increment(1), { metadata }),
      ).rejects.toBeInstanceOf(LimitExceededError);
      expect(recording.reads.at(-1)).toEqual({ streamId: 'counter-full', fromRevision: 1 });
      expect(await store.readStream('counter-full')).toHaveLength(1);
    });

    it('a no-op decision reports the store’s revision, not the cached one', async () => {
      const aggregate = counterAggregate();
      await handleCommand(optimistic, aggregate, 'counter-noop', increment(1), { metadata });
      await handleCommand(otherInstance, aggregate, 'counter-noop', increment(1), { metadata });

      const result = await handleCommand(optimistic, aggregate, 'counter-noop', increment(0), { metadata });

      expect(result).toMatchObject({ events: [], revision: 1, state: { total: 2 } });
    });

    it('If-Match: a revision newer than the cache is checked against the store; a stale one fails with 412 facts', async () => {
      const aggregate = counterAggregate();
      await handleCommand(optimistic, aggregate, 'counter-etag', increment(1), { metadata });
      await handleCommand(otherInstance, aggregate, 'counter-etag', increment(1), { metadata });

      const current = await handleCommand(optimistic, aggregate, 'counter-etag', increment(1), {
        metadata,
        expectedRevision: 1,
      });
      expect(current).toMatchObject({ revision: 2, state: { total: 3 } });

      await handleCommand(otherInstance, aggregate, 'counter-etag', increment(1), { metadata });
      // The caller saw revision 2, as the cache did; the store has moved on to 3.
      await expect(
        handleCommand(optimistic, aggregate, 'counter-etag', increment(1), { metadata, expectedRevision: 2 }),
      ).rejects.toMatchObject({ name: 'ConcurrencyError', expected: 2, actual: 3 });
      expect(await store.readStream('counter-etag')).toHaveLength(4);
    });

    it('a key used through another instance: the stale append conflicts, the catch-up finds it, nothing written', async () => {
      const aggregate = counterAggregate();
      const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-elsewhere' } };
      await handleCommand(optimistic, aggregate, 'counter-key-stale', increment(1), { metadata });
      const first = await handleCommand(otherInstance, aggregate, 'counter-key-stale', increment(2), keyed);

      const again = await handleCommand(optimistic, aggregate, 'counter-key-stale', increment(2), keyed);

      expect(again).toMatchObject({ replayed: true, events: first.events, revision: 1 });
      expect(await store.readStream('counter-key-stale')).toHaveLength(2);
    });

    it('two racing requests with one key: exactly one writes, the other replays it', async () => {
      const aggregate = counterAggregate();
      const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-race' } };
      await handleCommand(optimistic, aggregate, 'counter-key-race', increment(1), { metadata });

      const results = await Promise.all([
        handleCommand(optimistic, aggregate, 'counter-key-race', increment(2), keyed),
        handleCommand(optimistic, aggregate, 'counter-key-race', increment(2), keyed),
      ]);

      expect(results.map((result) => result.replayed).sort()).toEqual([false, true]);
      expect(results[0].events).toEqual(results[1].events);
      expect(await store.readStream('counter-key-race')).toHaveLength(2);
    });
  });

  it('the cache holds at most its bound of streams; an evicted stream is read whole again', async () => {
    const small = new AggregateCache({ maxStreams: 2 });
    const deps = { ...cachedDeps, cache: small };
    const aggregate = counterAggregate();
    for (const stream of ['counter-1', 'counter-2', 'counter-3'])
      await handleCommand(deps, aggregate, stream, increment(1), { metadata });
    recording.reads.length = 0;

    const result = await handleCommand(deps, aggregate, 'counter-1', increment(1), { metadata });

    expect(small.size).toBe(2);
    expect(recording.reads).toEqual([{ streamId: 'counter-1' }]);
    expect(result).toMatchObject({ revision: 1, state: { total: 2 } });
  });
});

function counterAggregate(): Aggregate<CounterCommand, CounterEvent, CounterState> {
  return { decider: counterDecider, codec: counterCodec };
}
