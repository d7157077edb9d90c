import { idempotencySlot } from './aggregate-cache';
import type { Decider } from './decider';
import { createEventCodec, UnreadableEventError } from './event-codec';
import type { JsonObject, RecordedEvent } from './event-store';
import { foldEvents, initialSnapshot } from './fold';

type CounterEvent = { type: 'Incremented'; data: { by: number } };
// Version 1 stored `{ step }`; version 2 renamed it to `by`.
const codec = createEventCodec<CounterEvent>({
  Incremented: { currentVersion: 2, upcasters: { 1: (data) => ({ by: data.step }) } },
});
const decider: Decider<never, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: () => [],
};
const aggregate = { decider, codec };

function recorded(revision: number, data: JsonObject, metadata: JsonObject = {}): RecordedEvent {
  return {
    streamId: 'counter-1',
    revision,
    position: String(revision).padStart(20, '0'),
    eventId: `event-${revision}`,
    type: 'Incremented',
    data,
    metadata: { schemaVersion: 2, recordedAt: `2024-01-01T09:00:0${revision}.000Z`, ...metadata },
  };
}

const byClerk = (key: unknown) => ({ idempotencyKey: key, actor: { id: 'clerk-1', roles: [] } }) as JsonObject;

describe('the fold', () => {
  const history = [
    recorded(0, { step: 1 }, { schemaVersion: 1 }),
    recorded(1, { by: 2 }, byClerk('pay-1')),
    recorded(2, { by: 3 }),
    recorded(3, { by: 4 }, byClerk('pay-1')),
  ];

  it('evolves the base by each event in order, upcast to its current shape, up to the last revision', () => {
    const folded = foldEvents(aggregate, 'counter-1', initialSnapshot(aggregate), history);

    expect(folded).toMatchObject({ state: 10, revision: 3 });
    expect(folded.events).toBe(history);
  });

  it('indexes the events under each actor’s idempotency key, in a copy of the base index', () => {
    const base = foldEvents(aggregate, 'counter-1', initialSnapshot(aggregate), history.slice(0, 2));
    const folded = foldEvents(aggregate, 'counter-1', base, history.slice(2));

    expect(base.keyed.get(idempotencySlot('clerk-1', 'pay-1'))).toEqual([history[1]]);
    expect(folded.keyed.get(idempotencySlot('clerk-1', 'pay-1'))).toEqual([history[1], history[3]]);
    expect(folded.keyed.size).toBe(1);
  });

  it('indexes only a string key of an actor with a string id (events of other tools may carry anything)', () => {
    const foreign = [
      recorded(0, { by: 1 }, { idempotencyKey: 'k' }),
      recorded(1, { by: 1 }, { idempotencyKey: 'k', actor: 'clerk-1' }),
      recorded(2, { by: 1 }, { idempotencyKey: 'k', actor: null }),
      recorded(3, { by: 1 }, { idempotencyKey: 'k', actor: { id: 7 } }),
      recorded(4, { by: 1 }, byClerk(42)),
    ];
    const base = initialSnapshot(aggregate);

    const folded = foldEvents(aggregate, 'counter-1', base, foreign);

    expect(folded).toMatchObject({ state: 5, revision: 4 });
    expect(folded.keyed).toBe(base.keyed);
  });

  it('a base without an index (a plain load) indexes nothing', () => {
    const base = { state: 0, revision: 'no_stream', keyed: undefined } as const;
    expect(foldEvents(aggregate, 'counter-1', base, history)).toMatchObject({ state: 10, keyed: undefined });
  });

  it('a limit stops the fold early; the events folded are the ones before it', () => {
    const base = initialSnapshot(aggregate);

    const toRevision = foldEvents(aggregate, 'counter-1', base, history, undefined, { toRevision: 1 });
    const asOf = foldEvents(aggregate, 'counter-1', base, history, undefined, { asOf: '2024-01-01T09:00:02.500Z' });

    expect(toRevision).toMatchObject({ state: 3, revision: 1, events: history.slice(0, 2) });
    expect(asOf).toMatchObject({ state: 6, revision: 2, events: history.slice(0, 3) });
    expect(asOf.keyed.get(idempotencySlot('clerk-1', 'pay-1'))).toEqual([history[1]]);
  });

  it('events given in their domain form are folded as they are, not decoded', () => {
    const decode = jest.fn(codec.decode);
    const appended = [
      { eventId: 'new-4', type: 'Incremented', data: { by: 5 }, metadata: byClerk('pay-2'), revision: 4 },
    ];
    const base = foldEvents(aggregate, 'counter-1', initialSnapshot(aggregate), history);

    const folded = foldEvents({ decider, codec: { ...codec, decode } }, 'counter-1', base, appended, [
      { type: 'Incremented', data: { by: 5 } },
    ]);

    expect(decode).not.toHaveBeenCalled();
    expect(folded).toMatchObject({ state: 15, revision: 4, events: appended });
    expect(folded.keyed.get(idempotencySlot('clerk-1', 'pay-2'))).toEqual(appended);
    expect(base).toMatchObject({ state: 10, revision: 3 });
  });

  it('an event this code cannot read fails with its stream and revision', () => {
    const unreadable = { ...recorded(1, {}), type: 'Teleported' };
    expect(() => foldEvents(aggregate, 'counter-1', initialSnapshot(aggregate), [history[0], unreadable])).toThrow(
      new UnreadableEventError('counter-1', 1, 'Teleported', 2),
    );
  });
});
