import {
  commandLoop,
  decideCommand,
  type CommandHandlerDeps,
  type CommandRun,
  type DecideStep,
  type HandleCommandOptions,
} from './command-loop';
import type { Decider } from './decider';
import { createEventCodec } from './event-codec';
import {
  ConcurrencyError,
  StreamNotFoundError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
} from './event-store';
import type { CommandMetadata } from './metadata';

// The core alone: read → decide → append with the revision read → on a conflict, read and decide again (bounded).
type CounterCommand = { by: number };
type CounterEvent = { type: 'Incremented'; data: { by: number } };
/** The totals the decider decided on. */
let decidedOn: number[];
const decider: Decider<CounterCommand, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) => {
    decidedOn.push(total);
    return command.by === 0 ? [] : [{ type: 'Incremented', data: { by: command.by } }];
  },
};
const aggregate = { decider, codec: createEventCodec<CounterEvent>({ Incremented: { currentVersion: 1 } }) };
const metadata: CommandMetadata = {
  correlationId: 'corr-1',
  actor: { id: 'clerk-1', roles: ['clerk'] },
  channel: 'REST',
};

/** Streams in memory; `beforeAppend` lets a competing writer in between a command's read and its append. */
class MemoryStore implements Pick<EventStore, 'append' | 'readStream'> {
  readonly streams = new Map<string, RecordedEvent[]>();
  readonly appendedWith: ExpectedRevision[] = [];
  reads = 0;
  beforeAppend: () => void = () => {};

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.appendedWith.push(expected);
    this.beforeAppend();
    return this.write(streamId, events, expected);
  }

  write(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult {
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    if (expected !== 'any' && expected !== actual) throw new ConcurrencyError(streamId, expected, actual);
    for (const event of events)
      stream.push({ ...event, streamId, revision: stream.length, position: String(stream.length).padStart(20, '0') });
    this.streams.set(streamId, stream);
    return { nextExpectedRevision: stream.length - 1, position: stream[stream.length - 1].position };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.reads++;
    const stream = this.streams.get(streamId);
    if (stream === undefined) throw new StreamNotFoundError(streamId);
    return stream.filter((event) => event.revision >= (options?.fromRevision ?? 0));
  }
}

describe('the core command loop', () => {
  let store: MemoryStore;
  let deps: CommandHandlerDeps;
  const loop = commandLoop(decideCommand);
  const run = (
    by: number,
    options: Partial<HandleCommandOptions> = {},
  ): CommandRun<CounterCommand, CounterEvent, number> => ({
    deps,
    aggregate,
    streamId: 'counter-1',
    command: { by },
    options: { metadata, ...options },
  });
  /** Another writer appends +1 whenever this command is about to append. */
  const competingWriter = () => {
    store.beforeAppend = () => {
      const stream = store.streams.get('counter-1') ?? [];
      store.write(
        'counter-1',
        [{ eventId: `other-${stream.length}`, type: 'Incremented', data: { by: 1 }, metadata: {} }],
        'any',
      );
    };
  };

  beforeEach(() => {
    store = new MemoryStore();
    let ids = 0;
    deps = {
      store: store as unknown as EventStore,
      clock: { now: () => '2024-01-01T09:00:00.000Z' },
      ids: { newId: () => `event-${++ids}` },
    };
    decidedOn = [];
  });

  it('reads, decides and appends with the revision it read', async () => {
    const first = await loop(run(2), undefined, 5);
    const second = await loop(run(3), undefined, 5);

    expect(store.appendedWith).toEqual(['no_stream', 0]);
    expect(decidedOn).toEqual([0, 2]);
    expect(second).toMatchObject({ revision: 1, state: 5, replayed: false, position: '00000000000000000001' });
    expect(first.events).toEqual([
      {
        eventId: 'event-1',
        type: 'Incremented',
        data: { by: 2 },
        metadata: expect.objectContaining({ eventId: 'event-1', correlationId: 'corr-1', schemaVersion: 1 }),
        revision: 0,
      },
    ]);
  });

  it("records the command's traceparent in every event's metadata", async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const result = await loop(
      { ...run(2), options: { metadata: { ...metadata, traceparent } } },
      { state: 0, revision: 'no_stream', keyed: new Map() },
      5,
    );

    expect(result.events.map((event) => event.metadata.traceparent)).toEqual([traceparent]);
  });

  it('decides on the snapshot it is given without reading', async () => {
    const result = await loop(run(3), { state: 40, revision: 'no_stream', keyed: new Map() }, 5);

    expect(decidedOn).toEqual([40]);
    expect(result).toMatchObject({ revision: 0, state: 43 });
  });

  it('a lost race: reads again and decides again on the newer state', async () => {
    await loop(run(2), undefined, 5);
    competingWriter();
    let raced = false;
    const competitor = store.beforeAppend;
    store.beforeAppend = () => {
      if (!raced) competitor();
      raced = true;
    };

    const result = await loop(run(3), undefined, 5);

    expect(decidedOn).toEqual([0, 2, 3]);
    expect(store.appendedWith).toEqual(['no_stream', 0, 1]);
    expect(result).toMatchObject({ revision: 2, state: 6 });
  });

  it('retries are bounded: after maxAttempts decisions the conflict is thrown', async () => {
    await loop(run(2), undefined, 5);
    competingWriter();

    await expect(loop(run(3), undefined, 3)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(decidedOn).toEqual([0, 2, 3, 4]);
  });

  it('with If-Match, a stale revision fails before deciding, and a conflict is not retried', async () => {
    await loop(run(2), undefined, 5);

    await expect(loop(run(3, { expectedRevision: 7 }), undefined, 5)).rejects.toEqual(
      new ConcurrencyError('counter-1', 7, 0),
    );
    competingWriter();
    store.reads = 0;
    await expect(loop(run(3, { expectedRevision: 0 }), undefined, 5)).rejects.toEqual(
      new ConcurrencyError('counter-1', 0, 1),
    );
    expect(decidedOn).toEqual([0, 2]);
    expect(store.reads).toBe(1);
  });

  it('a decision that nothing needs to happen appends nothing and reports the revision read', async () => {
    await loop(run(2), undefined, 5);

    const result = await loop(run(0), undefined, 5);

    expect(result).toEqual({ streamId: 'counter-1', events: [], revision: 0, state: 2, replayed: false });
    expect(store.appendedWith).toEqual(['no_stream']);
  });

  it('a decision step that answers without events (a middleware) is the answer: nothing appended', async () => {
    const answer = { streamId: 'counter-1', events: [], revision: 9, state: 99, replayed: true };
    const answering: DecideStep = () => answer as never;

    await expect(commandLoop(answering)(run(1), undefined, 5)).resolves.toBe(answer);
    expect(store.appendedWith).toEqual([]);
  });
});
