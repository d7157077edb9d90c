import type { Decider } from './decider';
import { loadAggregate, loadCurrentState } from './command-handler';
import { createEventCodec, decodeRecordedEvent, UnreadableEventError, type EventSchemas } from './event-codec';
import { StreamNotFoundError, type EventStore, type RecordedEvent } from './event-store';

type CounterEvent = { type: 'Incremented'; data: { by: number } };

const schemas: EventSchemas<CounterEvent['type']> = {
  Incremented: { currentVersion: 2, upcasters: { 1: (data) => ({ by: data.step }) } },
};
const codec = createEventCodec<CounterEvent>(schemas);
const decider: Decider<never, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: () => [],
};

function recorded(revision: number, type: string, schemaVersion: number, data: object): RecordedEvent {
  return {
    streamId: 'counter-1',
    revision,
    position: String(revision).padStart(20, '0'),
    eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type,
    data: data as RecordedEvent['data'],
    metadata: { schemaVersion },
  };
}

/** Just enough of a store for the fold: one stream, read whole or from a revision. */
function storeWith(events: RecordedEvent[]): EventStore {
  return {
    readStream: async (streamId, options) => {
      if (events.length === 0 || streamId !== 'counter-1') throw new StreamNotFoundError(streamId);
      return events.filter((event) => event.revision >= (options?.fromRevision ?? 0));
    },
  } as EventStore;
}

describe('an event this version cannot read', () => {
  it('decodeRecordedEvent upcasts what it knows and names stream and revision of what it does not', () => {
    expect(decodeRecordedEvent(codec, recorded(0, 'Incremented', 1, { step: 2 }))).toEqual({
      type: 'Incremented',
      data: { by: 2 },
    });
    expect(() => decodeRecordedEvent(codec, recorded(3, 'Teleported', 1, {}))).toThrow(
      new UnreadableEventError('counter-1', 3, 'Teleported', 1),
    );
    expect(() => decodeRecordedEvent(codec, recorded(4, 'Incremented', 3, { by: 1 }))).toThrow(
      new UnreadableEventError('counter-1', 4, 'Incremented', 3),
    );
  });

  it('the error says which stream, revision, type and version, and carries no stack frames', () => {
    const error = new UnreadableEventError('counter-1', 3, 'Teleported', 2);
    expect(error).toMatchObject({ streamId: 'counter-1', revision: 3, type: 'Teleported', schemaVersion: 2 });
    expect(error.message).toBe('Stream counter-1 revision 3: this version cannot read event Teleported schema v2');
    expect(error.stack).not.toMatch(/\n\s+at /);
  });

  it('folding a stream stops with it (current state), but a historical read before it still works', async () => {
    const store = storeWith([
      recorded(0, 'Incremented', 2, { by: 1 }),
      recorded(1, 'Incremented', 2, { by: 2 }),
      recorded(2, 'Teleported', 1, {}),
    ]);
    const aggregate = { decider, codec };

    await expect(loadCurrentState(store, aggregate, 'counter-1')).rejects.toEqual(
      new UnreadableEventError('counter-1', 2, 'Teleported', 1),
    );
    await expect(loadAggregate(store, aggregate, 'counter-1')).rejects.toBeInstanceOf(UnreadableEventError);
    expect((await loadAggregate(store, aggregate, 'counter-1', { toRevision: 1 })).state).toBe(3);
  });
});
