import { AggregateCache, type CacheFreshness } from './aggregate-cache';
import { withCacheFreshness } from './cache-freshness';
import {
  commandLoop,
  decideCommand,
  type CommandHandlerDeps,
  type CommandLoop,
  type CommandRun,
  type DecideStep,
  type HandleCommandOptions,
} from './command-loop';
import type { Decider } from './decider';
import { createEventCodec } from './event-codec';
import {
  ConcurrencyError,
  EventStoreUnavailableError,
  StreamNotFoundError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
} from './event-store';
import { idempotencySlot } from './aggregate-cache';
import { replayingIdempotently } from './idempotent-replay';
import { readSnapshot } from './load-state';
import type { CommandMetadata } from './metadata';

// Cache freshness alone: the wrapper around a recording command loop, on an in-memory store and a real cache.
type CounterCommand = { by: number };
type CounterEvent = { type: 'Incremented'; data: { by: number } };
class LimitExceededError extends Error {}
const decider: Decider<CounterCommand, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) => {
    if (command.by === 0) return [];
    if (total + command.by > 10) throw new LimitExceededError(`${total} + ${command.by} > 10`);
    return [{ type: 'Incremented', data: { by: command.by } }];
  },
};
const aggregate = { decider, codec: createEventCodec<CounterEvent>({ Incremented: { currentVersion: 1 } }) };
const metadata: CommandMetadata = {
  correlationId: 'corr-1',
  actor: { id: 'clerk-1', roles: ['clerk'] },
  channel: 'REST',
};

/** Streams in memory; records reads, and can fail the next append. */
class MemoryStore implements Pick<EventStore, 'append' | 'readStream'> {
  readonly streams = new Map<string, RecordedEvent[]>();
  readonly reads: { fromRevision?: number }[] = [];
  failNextAppend: Error | undefined;

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const failure = this.failNextAppend;
    this.failNextAppend = undefined;
    if (failure !== undefined) throw failure;
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    if (expected !== actual) throw new ConcurrencyError(streamId, expected, actual);
    for (const event of events)
      stream.push({ ...event, streamId, revision: stream.length, position: String(stream.length).padStart(20, '0') });
    this.streams.set(streamId, stream);
    return { nextExpectedRevision: stream.length - 1, position: stream[stream.length - 1].position };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.reads.push(options?.fromRevision === undefined ? {} : { fromRevision: options.fromRevision });
    const stream = this.streams.get(streamId);
    if (stream === undefined) throw new StreamNotFoundError(streamId);
    return stream.filter((event) => event.revision >= (options?.fromRevision ?? 0));
  }
}

describe('cache freshness around the command loop', () => {
  let store: MemoryStore;
  let ids: number;
  let decidedOn: number[];
  let loopStartedOn: { revision: number | 'no_stream' | undefined; maxAttempts: number }[];
  /** The decision: records the total it decided on. */
  let decide: DecideStep;
  /** The wrapper around the real core loop on `step`, which records what it was started on. */
  const handle = (step: DecideStep = decide) => {
    const core = commandLoop(step);
    const loop: CommandLoop = (commandRun, loaded, maxAttempts) => {
      loopStartedOn.push({ revision: loaded?.revision, maxAttempts });
      return core(commandRun, loaded, maxAttempts);
    };
    return withCacheFreshness(step, loop);
  };

  const depsWith = (cache?: AggregateCache): CommandHandlerDeps => ({
    store: store as unknown as EventStore,
    clock: { now: () => '2024-01-01T09:00:00.000Z' },
    ids: { newId: () => `event-${++ids}` },
    ...(cache === undefined ? {} : { cache }),
  });
  const run = (
    deps: CommandHandlerDeps,
    by: number,
    options: Partial<HandleCommandOptions> = {},
  ): CommandRun<CounterCommand, CounterEvent, number> => ({
    deps,
    aggregate,
    streamId: 'counter-1',
    command: { by },
    options: { metadata, ...options },
  });
  /** Another writer: appends +by behind this process's cache (its reads are not this process's). */
  const otherWriter = async (by: number, key?: string) => {
    const reads = store.reads.length;
    const options = key === undefined ? {} : { metadata: { ...metadata, idempotencyKey: key } };
    const result = await commandLoop(decideCommand)(run(depsWith(), by, options), undefined, 1);
    store.reads.length = reads;
    return result;
  };
  /** A cache holding counter-1 as the store has it now. */
  const warmCache = async (freshness: CacheFreshness) => {
    const cache = new AggregateCache({ maxStreams: 10, freshness });
    await readSnapshot(store as unknown as EventStore, aggregate, 'counter-1', cache);
    store.reads.length = 0;
    return cache;
  };

  beforeEach(async () => {
    store = new MemoryStore();
    ids = 0;
    decidedOn = [];
    loopStartedOn = [];
    decide = (commandRun, loaded) => {
      decidedOn.push(loaded.state as number);
      return decideCommand(commandRun, loaded);
    };
    await otherWriter(2);
    await otherWriter(3); // counter-1: revision 1, total 5
  });

  it('without a cache, or with read-before-decide, the loop reads first', async () => {
    const readFirst = await warmCache('read-before-decide');
    for (const deps of [depsWith(), depsWith(readFirst)]) {
      await handle()(run(deps, 1), 4);
    }

    expect(loopStartedOn).toEqual([
      { revision: undefined, maxAttempts: 4 },
      { revision: undefined, maxAttempts: 4 },
    ]);
    expect(store.reads).toEqual([{}, { fromRevision: 2 }]);
  });

  it('check-at-append and a stream not cached: the loop reads first', async () => {
    const cache = new AggregateCache({ maxStreams: 10, freshness: 'check-at-append' });

    const result = await handle()(run(depsWith(cache), 1), 4);

    expect(loopStartedOn).toEqual([{ revision: undefined, maxAttempts: 4 }]);
    expect(result).toMatchObject({ revision: 2, state: 6 });
  });

  it('check-at-append and a cached stream: decided on the cached state, appended, nothing read', async () => {
    const cache = await warmCache('check-at-append');

    const result = await handle()(run(depsWith(cache), 4), 4);

    expect(result).toMatchObject({ revision: 2, state: 9, replayed: false });
    expect(result.events).toEqual([expect.objectContaining({ eventId: 'event-3', revision: 2 })]);
    expect(decidedOn).toEqual([5]);
    expect(store.reads).toEqual([]);
    expect(loopStartedOn).toEqual([]);
    expect(cache.get(aggregate, 'counter-1')).toMatchObject({ revision: 2, state: 9 });
  });

  it('a stale cached state: the append conflicts, and the loop decides again on the store’s state', async () => {
    const cache = await warmCache('check-at-append');
    await otherWriter(1); // revision 2, total 6

    const result = await handle()(run(depsWith(cache), 4), 4);

    expect(decidedOn).toEqual([5, 6]);
    expect(store.reads).toEqual([{ fromRevision: 2 }]);
    expect(loopStartedOn).toEqual([{ revision: 2, maxAttempts: 4 }]);
    expect(result).toMatchObject({ revision: 3, state: 10 });
  });

  it('a rejection on the cached state that the store confirms is thrown as it was, after one read', async () => {
    const cache = await warmCache('check-at-append');

    const error = await handle()(run(depsWith(cache), 6), 4).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LimitExceededError);
    expect(decidedOn).toEqual([5]);
    expect(store.reads).toEqual([{ fromRevision: 2 }]);
    expect(loopStartedOn).toEqual([]);
  });

  it('a rejection on a stale cached state is decided again on the store’s state', async () => {
    const cache = await warmCache('check-at-append');
    await otherWriter(-5); // revision 2, total 0

    const result = await handle()(run(depsWith(cache), 6), 4);

    expect(decidedOn).toEqual([5, 0]);
    expect(loopStartedOn).toEqual([{ revision: 2, maxAttempts: 4 }]);
    expect(result).toMatchObject({ revision: 3, state: 6 });
  });

  it('a stale If-Match against the cached state is checked on the store’s state: 412 facts from the store', async () => {
    const cache = await warmCache('check-at-append');
    await otherWriter(1); // revision 2

    const current = await handle()(run(depsWith(cache), 1, { expectedRevision: 2 }), 4);
    expect(current).toMatchObject({ revision: 3, state: 7 });

    await otherWriter(1); // revision 4; the cache holds 3
    await expect(handle()(run(depsWith(cache), 1, { expectedRevision: 3 }), 4)).rejects.toEqual(
      new ConcurrencyError('counter-1', 3, 4),
    );
  });

  it('a decision that nothing needs to happen stands only on the store’s word', async () => {
    const cache = await warmCache('check-at-append');

    const unchanged = await handle()(run(depsWith(cache), 0), 4);
    await otherWriter(1); // revision 2, total 6
    const caughtUp = await handle()(run(depsWith(cache), 0), 4);

    expect(unchanged).toMatchObject({ events: [], revision: 1, state: 5, replayed: false });
    expect(caughtUp).toMatchObject({ events: [], revision: 2, state: 6, replayed: false });
    expect(loopStartedOn).toEqual([{ revision: 2, maxAttempts: 4 }]);
    expect(store.reads).toEqual([{ fromRevision: 2 }, { fromRevision: 2 }]);
  });

  it('a replay on the cached state stands without a read: events under a key are durable facts', async () => {
    const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-1' } };
    const first = await handle()(run(depsWith(), 1, keyed), 4);
    const cache = await warmCache('check-at-append');
    await otherWriter(1); // the cache is stale now, but holds the key's event

    const again = await handle(replayingIdempotently(decide))(run(depsWith(cache), 1, keyed), 4);

    expect(again).toMatchObject({ replayed: true, events: first.events, revision: 2 });
    expect(store.reads).toEqual([]);
  });

  it('a recorded rejection on a stale cached state: the store’s state has the key’s events, which answer', async () => {
    const cache = await warmCache('check-at-append');
    const keyed = { metadata: { ...metadata, idempotencyKey: 'pay-1' } };
    await otherWriter(1, 'pay-1'); // another instance executed the key after all

    const answer = await handle(replayingIdempotently(decide))(
      run(depsWith(cache), 1, { ...keyed, rejection: new LimitExceededError('recorded') }),
      4,
    );

    expect(answer).toMatchObject({ replayed: true, revision: 2 });
    expect(cache.get(aggregate, 'counter-1')?.keyed.has(idempotencySlot('clerk-1', 'pay-1'))).toBe(true);
  });

  it('a failure of the store itself is no outcome to confirm: thrown as it is, nothing read or retried', async () => {
    const cache = await warmCache('check-at-append');
    const full = new EventStoreUnavailableError('disk-full', 'the disk is full');
    store.failNextAppend = full;

    await expect(handle()(run(depsWith(cache), 1), 4)).rejects.toBe(full);
    expect(store.reads).toEqual([]);
    expect(loopStartedOn).toEqual([]);
    expect(store.streams.get('counter-1')).toHaveLength(2);
  });
});
