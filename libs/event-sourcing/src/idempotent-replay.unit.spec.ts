import type { CommandRun, DecideStep, HandleCommandOptions } from './command-loop';
import { decideCommand } from './command-loop';
import type { Decider } from './decider';
import { createEventCodec } from './event-codec';
import { ConcurrencyError, type EventStore, type RecordedEvent } from './event-store';
import { foldEvents, initialSnapshot, type Snapshot } from './fold';
import { replayingIdempotently } from './idempotent-replay';
import { toJsonMetadata, type CommandMetadata } from './metadata';

// Idempotent replay alone: a decision step around a recording `next`, on snapshots folded from recorded events.
type CounterCommand = { by: number };
type CounterEvent = { type: 'Incremented'; data: { by: number } };
const decider: Decider<CounterCommand, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command) => [{ type: 'Incremented', data: { by: command.by } }],
};
const aggregate = { decider, codec: createEventCodec<CounterEvent>({ Incremented: { currentVersion: 1 } }) };

const clerk: CommandMetadata = { correlationId: 'corr-1', actor: { id: 'clerk-1', roles: ['clerk'] }, channel: 'REST' };

function recorded(revision: number, by: number, metadata: CommandMetadata): RecordedEvent {
  const eventId = `event-${revision}`;
  return {
    streamId: 'counter-1',
    revision,
    position: String(revision).padStart(20, '0'),
    eventId,
    type: 'Incremented',
    data: { by },
    metadata: toJsonMetadata({
      ...metadata,
      eventId,
      causationId: metadata.correlationId,
      recordedAt: '2024-01-01T09:00:00.000Z',
      schemaVersion: 1,
    }),
  };
}

function snapshotOf(events: RecordedEvent[]): Snapshot<number> {
  return foldEvents(aggregate, 'counter-1', initialSnapshot(aggregate), events);
}

function runOf(options: HandleCommandOptions, by = 2): CommandRun<CounterCommand, CounterEvent, number> {
  return {
    deps: { store: {} as EventStore, clock: { now: () => '' }, ids: { newId: () => '' } },
    aggregate,
    streamId: 'counter-1',
    command: { by },
    options,
  };
}

/** The next step: decides +by, recording each snapshot revision it was asked on. */
function recordingNext() {
  const askedOn: (number | 'no_stream')[] = [];
  const next: DecideStep = (run, loaded) => {
    askedOn.push(loaded.revision);
    return decideCommand(run, loaded);
  };
  return { next, askedOn };
}

describe('idempotent replay around a decision', () => {
  const keyed = { ...clerk, idempotencyKey: 'pay-1' };
  const history = [recorded(0, 1, clerk), recorded(1, 2, keyed), recorded(2, 3, clerk), recorded(3, 4, keyed)];

  it('a command without a key is decided by the next step', () => {
    const { next, askedOn } = recordingNext();

    const decision = replayingIdempotently(next)(runOf({ metadata: clerk }), snapshotOf(history));

    expect(decision).toEqual([{ type: 'Incremented', data: { by: 2 } }]);
    expect(askedOn).toEqual([3]);
  });

  it('a key the actor already used: its events are the answer, replayed, and nothing is decided', () => {
    const { next, askedOn } = recordingNext();
    const loaded = snapshotOf(history);

    const decision = replayingIdempotently(next)(runOf({ metadata: keyed }), loaded);

    expect(askedOn).toEqual([]);
    expect(decision).toEqual({
      streamId: 'counter-1',
      events: [history[1], history[3]].map(({ eventId, type, data, metadata, revision }) => ({
        eventId,
        type,
        data,
        metadata,
        revision,
      })),
      revision: 3,
      state: loaded.state,
      replayed: true,
    });
  });

  it('the same key from another actor, or another key, is a new command', () => {
    const { next, askedOn } = recordingNext();
    const step = replayingIdempotently(next);
    const otherActor = { ...keyed, actor: { id: 'clerk-2', roles: ['clerk'] } };

    expect(step(runOf({ metadata: otherActor }), snapshotOf(history))).toEqual([
      { type: 'Incremented', data: { by: 2 } },
    ]);
    expect(step(runOf({ metadata: { ...keyed, idempotencyKey: 'pay-2' } }), snapshotOf(history))).toHaveLength(1);
    expect(askedOn).toEqual([3, 3]);
  });

  it('a recorded rejection of the key is thrown again instead of deciding anew', () => {
    const { next, askedOn } = recordingNext();
    const rejection = new Error('recorded: limit exceeded');

    expect(() =>
      replayingIdempotently(next)(runOf({ metadata: keyed, rejection }), snapshotOf(history.slice(0, 1))),
    ).toThrow(rejection);
    expect(askedOn).toEqual([]);
  });

  it('events under the key win over a recorded rejection (a concurrent execution succeeded after all)', () => {
    const { next } = recordingNext();
    const rejection = new Error('recorded: limit exceeded');

    const decision = replayingIdempotently(next)(runOf({ metadata: keyed, rejection }), snapshotOf(history));

    expect(decision).toMatchObject({ replayed: true, revision: 3 });
  });

  it('around the core decision, a replay wins over a stale If-Match; a new command is still checked', () => {
    const step = replayingIdempotently(decideCommand);

    expect(step(runOf({ metadata: keyed, expectedRevision: 1 }), snapshotOf(history))).toMatchObject({
      replayed: true,
    });
    expect(() => step(runOf({ metadata: clerk, expectedRevision: 1 }), snapshotOf(history))).toThrow(
      new ConcurrencyError('counter-1', 1, 3),
    );
  });
});
