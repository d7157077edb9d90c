import { randomUUID } from 'node:crypto';
import {
  comparePositions,
  ConcurrencyError,
  StreamNotFoundError,
  type AllSubscription,
  type EventStore,
  type JsonObject,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '../event-store';

/**
 * What an adapter's test gives the contract suite. Every adapter (SQLite, EventStoreDB) runs the same suite, so
 * the kernel and the apps can rely on the behaviour it proves, whichever store is configured.
 */
export interface EventStoreContractHarness {
  /** Opens a store over the same underlying storage each call (to prove durability across close/reopen). */
  open(): Promise<EventStore>;
  /** Unique per run, so the suite can run against a shared server: every stream the suite writes starts with it. */
  readonly streamPrefix: string;
  dispose?(): Promise<void>;
}

/** Generous: a shared server may be slow, but the suite itself waits only for what it needs. */
const SUBSCRIPTION_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 60_000;

export function describeEventStoreContract(
  name: string,
  createHarness: () => Promise<EventStoreContractHarness>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreContractHarness;
    let store: EventStore;
    let streamCounter = 0;

    /** A fresh stream of this run; the label says which test wrote it when someone reads a shared server. */
    const newStream = (label: string) =>
      `${harness.streamPrefix}${label}-${++streamCounter}-${randomUUID().slice(0, 8)}`;
    const ownEvents = (events: readonly RecordedEvent[]) =>
      events.filter((event) => event.streamId.startsWith(harness.streamPrefix));
    /** A position at the current tail of $all, without reading a shared server's whole log: append a marker. */
    const markTail = async () => (await store.append(newStream('marker'), [testEvent('Marker')], 'no_stream')).position;

    beforeAll(async () => {
      harness = await createHarness();
      store = await harness.open();
    }, TEST_TIMEOUT_MS);

    afterAll(async () => {
      await store?.close();
      await harness?.dispose?.();
    }, TEST_TIMEOUT_MS);

    describe('append with an expected revision', () => {
      it('no_stream on a new stream creates it from revision 0', async () => {
        const stream = newStream('create');
        const result = await store.append(stream, [testEvent('Opened'), testEvent('Noted')], 'no_stream');

        expect(result.nextExpectedRevision).toBe(1);
        const recorded = await store.readStream(stream);
        expect(recorded.map((event) => event.revision)).toEqual([0, 1]);
        expect(recorded[1].position).toBe(result.position);
      });

      it('no_stream on an existing stream → ConcurrencyError with the actual revision, nothing written', async () => {
        const stream = newStream('create-twice');
        await store.append(stream, [testEvent('Opened'), testEvent('Noted')], 'no_stream');

        const error = await rejectionOf(store.append(stream, [testEvent('Opened')], 'no_stream'));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId: stream, expected: 'no_stream', actual: 1 });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('the exact current revision appends after it', async () => {
        const stream = newStream('exact');
        const first = await store.append(stream, [testEvent('Opened')], 'no_stream');
        const second = await store.append(stream, [testEvent('Noted')], first.nextExpectedRevision);

        expect(second.nextExpectedRevision).toBe(1);
        expect(comparePositions(second.position, first.position)).toBe(1);
      });

      it('a stale revision → ConcurrencyError whose actual is the real revision, nothing written', async () => {
        const stream = newStream('stale');
        await store.append(stream, [testEvent('Opened'), testEvent('Noted'), testEvent('Noted')], 'no_stream');

        const error = await rejectionOf(store.append(stream, [testEvent('Noted')], 0));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId: stream, expected: 0, actual: 2 });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('a revision ahead of the stream → ConcurrencyError', async () => {
        const stream = newStream('ahead');
        await store.append(stream, [testEvent('Opened')], 'no_stream');

        await expect(store.append(stream, [testEvent('Noted')], 5)).rejects.toMatchObject({ actual: 0 });
      });

      it('an exact revision on a missing stream → ConcurrencyError with actual no_stream', async () => {
        const stream = newStream('missing');

        const error = await rejectionOf(store.append(stream, [testEvent('Noted')], 0));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ expected: 0, actual: 'no_stream' });
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('any appends to a new and to an existing stream without a check', async () => {
        const stream = newStream('any');
        const first = await store.append(stream, [testEvent('Opened')], 'any');
        const second = await store.append(stream, [testEvent('Noted'), testEvent('Noted')], 'any');

        expect(first.nextExpectedRevision).toBe(0);
        expect(second.nextExpectedRevision).toBe(2);
      });

      it('several events are appended atomically: contiguous revisions, increasing positions', async () => {
        const stream = newStream('batch');
        const events = [testEvent('A'), testEvent('B'), testEvent('C'), testEvent('D')];
        const result = await store.append(stream, events, 'no_stream');

        const recorded = await store.readStream(stream);
        expect(recorded.map((event) => [event.revision, event.eventId])).toEqual(
          events.map((event, index) => [index, event.eventId]),
        );
        expectStrictlyIncreasing(recorded.map((event) => event.position));
        expect(result).toEqual({ nextExpectedRevision: 3, position: recorded[3].position });
      });

      it('a rejected multi-event append writes none of its events', async () => {
        const stream = newStream('batch-rejected');
        await store.append(stream, [testEvent('Opened')], 'no_stream');

        await expect(store.append(stream, [testEvent('A'), testEvent('B')], 7)).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('concurrent multi-event appends with any never interleave', async () => {
        const stream = newStream('interleave');
        const batches = Array.from({ length: 10 }, (_, batch) =>
          Array.from({ length: 3 }, (_, index) => testEvent('Part', { batch, index })),
        );
        const results = await Promise.all(batches.map((events) => store.append(stream, events, 'any')));

        const recorded = await store.readStream(stream);
        expect(recorded.map((event) => event.revision)).toEqual(range(30));
        for (const [batch, result] of results.entries()) {
          const last = result.nextExpectedRevision;
          expect(recorded.slice(last - 2, last + 1).map((event) => event.eventId)).toEqual(
            batches[batch].map((event) => event.eventId),
          );
        }
      });
    });

    describe('reading a stream', () => {
      let stream: string;
      let ids: string[];

      beforeAll(async () => {
        stream = newStream('read');
        const events = range(10).map((index) => testEvent('Counted', { index }));
        ids = events.map((event) => event.eventId);
        await store.append(stream, events, 'no_stream');
      }, TEST_TIMEOUT_MS);

      it('a stream without events → StreamNotFoundError, forwards and backwards', async () => {
        const missing = newStream('never-written');
        const error = await rejectionOf(store.readStream(missing));
        expect(error).toBeInstanceOf(StreamNotFoundError);
        expect(error).toMatchObject({ streamId: missing });
        await expect(store.readStream(missing, { direction: 'backwards' })).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('forwards by default: every event in revision order with its stream, type and position', async () => {
        const recorded = await store.readStream(stream);

        expect(recorded.map((event) => event.eventId)).toEqual(ids);
        expect(recorded.map((event) => event.revision)).toEqual(range(10));
        expect(recorded.every((event) => event.streamId === stream && event.type === 'Counted')).toBe(true);
        expectStrictlyIncreasing(recorded.map((event) => event.position));
      });

      it('forwards from a revision with maxCount', async () => {
        const recorded = await store.readStream(stream, { fromRevision: 3, maxCount: 4 });
        expect(recorded.map((event) => event.revision)).toEqual([3, 4, 5, 6]);
        expect(recorded.map((event) => event.eventId)).toEqual(ids.slice(3, 7));
      });

      it('backwards from the end, and from a revision, with maxCount', async () => {
        const fromEnd = await store.readStream(stream, { direction: 'backwards', maxCount: 3 });
        expect(fromEnd.map((event) => event.revision)).toEqual([9, 8, 7]);

        const fromRevision = await store.readStream(stream, { direction: 'backwards', fromRevision: 4, maxCount: 10 });
        expect(fromRevision.map((event) => event.revision)).toEqual([4, 3, 2, 1, 0]);
        expect(fromRevision.map((event) => event.eventId)).toEqual(ids.slice(0, 5).reverse());
      });

      it('maxCount beyond the end returns what there is; forwards past the end is empty', async () => {
        expect(await store.readStream(stream, { fromRevision: 8, maxCount: 100 })).toHaveLength(2);
        expect(await store.readStream(stream, { fromRevision: 10 })).toEqual([]);
      });
    });

    describe('reading $all', () => {
      it('after a position: exactly the later events, in order, positions strictly increasing', async () => {
        const before = await store.append(newStream('all-before'), [testEvent('Before')], 'no_stream');
        const streams = [newStream('all-a'), newStream('all-b')];
        const appended: NewEvent[] = [];
        for (const round of range(3)) {
          for (const stream of streams) {
            const event = testEvent('Interleaved', { round });
            appended.push(event);
            await store.append(stream, [event], 'any');
          }
        }

        const all = await store.readAll({ after: before.position });
        const own = ownEvents(all);
        expect(own.map((event) => event.eventId)).toEqual(appended.map((event) => event.eventId));
        expectStrictlyIncreasing(all.map((event) => event.position));
        expect(all.every((event) => comparePositions(event.position, before.position) > 0)).toBe(true);
      });

      it('pages with maxCount follow on from each other without gaps or repeats', async () => {
        const before = await store.append(newStream('page-before'), [testEvent('Before')], 'no_stream');
        const stream = newStream('paged');
        const events = range(7).map((index) => testEvent('Paged', { index }));
        const last = await store.append(stream, events, 'no_stream');

        const seen: RecordedEvent[] = [];
        let after: Position = before.position;
        while (comparePositions(after, last.position) < 0) {
          const page = await store.readAll({ after, maxCount: 2 });
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(2);
          seen.push(...page);
          after = page[page.length - 1].position;
        }
        expect(seen.filter((event) => event.streamId === stream).map((event) => event.eventId)).toEqual(
          events.map((event) => event.eventId),
        );
        expectStrictlyIncreasing(seen.map((event) => event.position));
      });

      it('from the beginning: positions strictly increase and a later event comes after an earlier one', async () => {
        const first = await store.readAll({ maxCount: 20 });
        expect(first.length).toBeGreaterThan(0);
        expect(first.length).toBeLessThanOrEqual(20);
        expectStrictlyIncreasing(first.map((event) => event.position));
        const appended = await store.append(newStream('all-latest'), [testEvent('Latest')], 'no_stream');
        expect(comparePositions(appended.position, first[first.length - 1].position)).toBe(1);
      });

      it('the position in $all is the one the append returned and the stream read shows', async () => {
        const checkpoint = await markTail();
        const stream = newStream('positions');
        const result = await store.append(stream, [testEvent('Positioned')], 'no_stream');

        const [fromStream] = await store.readStream(stream);
        const [fromAll] = (await store.readAll({ after: checkpoint })).filter((event) => event.streamId === stream);
        expect(fromStream.position).toBe(result.position);
        expect(fromAll).toEqual(fromStream);
      });
    });

    describe('data and metadata', () => {
      it('round-trip JSON exactly: nested objects, arrays, unicode, large integers, booleans, null', async () => {
        const stream = newStream('json');
        const data: JsonObject = {
          policyId: 'P-2024-0001',
          premium: { amount: 1_234_567_890_123, currency: 'CNY' },
          largestSafeInteger: Number.MAX_SAFE_INTEGER,
          negative: -42,
          ratio: 0.05,
          beneficiaries: [
            { name: '张伟', sharePercent: 60, order: 1 },
            { name: 'Zoë Ångström 👩‍⚕️', sharePercent: 40, order: 1 },
          ],
          insuredConsent: true,
          waived: false,
          address: null,
          empty: {},
          emptyList: [],
          quote: 'He said "保全" \\ \n tab\t',
        };
        const metadata: JsonObject = {
          eventId: randomUUID(),
          correlationId: randomUUID(),
          causationId: randomUUID(),
          actor: { id: 'clerk-7', roles: ['clerk', 'supervisor'] },
          channel: 'REST',
          idempotencyKey: 'key-ü-1',
          recordedAt: '2024-02-29T23:59:59.999Z',
          schemaVersion: 2,
        };
        const event: NewEvent = { eventId: metadata.eventId as string, type: 'PolicyIssued', data, metadata };
        const checkpoint = await markTail();
        await store.append(stream, [event], 'no_stream');

        const [fromStream] = await store.readStream(stream);
        expect(fromStream).toMatchObject({
          streamId: stream,
          revision: 0,
          eventId: event.eventId,
          type: 'PolicyIssued',
        });
        expect(fromStream.data).toStrictEqual(data);
        expect(fromStream.metadata).toStrictEqual(metadata);
        const [fromAll] = (await store.readAll({ after: checkpoint })).filter(
          (recorded) => recorded.eventId === event.eventId,
        );
        expect(fromAll.data).toStrictEqual(data);
        expect(fromAll.metadata).toStrictEqual(metadata);
      });
    });

    describe('idempotent re-append of the same event ids', () => {
      it('same events, same exact revision → the same result again and no duplicates', async () => {
        const stream = newStream('idempotent-exact');
        await store.append(stream, [testEvent('Opened')], 'no_stream');
        const events = [testEvent('A'), testEvent('B')];

        const first = await store.append(stream, events, 0);
        const again = await store.append(stream, events, 0);

        expect(again).toEqual(first);
        expect((await store.readStream(stream)).map((event) => event.eventId)).toEqual([
          expect.any(String),
          events[0].eventId,
          events[1].eventId,
        ]);
      });

      it('same events with no_stream → the same result again and no duplicates', async () => {
        const stream = newStream('idempotent-new');
        const events = [testEvent('Opened'), testEvent('Noted')];

        const first = await store.append(stream, events, 'no_stream');
        const again = await store.append(stream, events, 'no_stream');

        expect(again).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('still the same result after later events were appended on top', async () => {
        const stream = newStream('idempotent-later');
        const events = [testEvent('Opened')];
        const first = await store.append(stream, events, 'no_stream');
        await store.append(stream, [testEvent('Noted')], 0);

        expect(await store.append(stream, events, 'no_stream')).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('same events with any → the same result again and no duplicates', async () => {
        const stream = newStream('idempotent-any');
        await store.append(stream, [testEvent('Opened')], 'any');
        const events = [testEvent('Noted')];

        const first = await store.append(stream, events, 'any');
        const again = await store.append(stream, events, 'any');

        expect(again).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('the same append sent concurrently twice is written once, both succeed', async () => {
        const stream = newStream('idempotent-race');
        const events = [testEvent('Opened'), testEvent('Noted')];

        const [one, two] = await Promise.all([
          store.append(stream, events, 'no_stream'),
          store.append(stream, events, 'no_stream'),
        ]);

        expect(two).toEqual(one);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('different events with a stale revision are still a conflict', async () => {
        const stream = newStream('idempotent-different');
        await store.append(stream, [testEvent('Opened')], 'no_stream');

        await expect(store.append(stream, [testEvent('Opened')], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      });
    });

    describe('concurrent appenders', () => {
      it('50 appenders expecting the same revision → exactly one wins, the others see its revision', async () => {
        const stream = newStream('race-one');
        await store.append(stream, [testEvent('Opened')], 'no_stream');

        const outcomes = await Promise.allSettled(
          range(50).map((appender) => store.append(stream, [testEvent('Raced', { appender })], 0)),
        );

        const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(49);
        for (const loser of losers) expect(loser).toMatchObject({ name: 'ConcurrencyError', actual: 1 });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it(
        '50 appenders retrying with expected revisions → one winner per revision, no gaps, no duplicates',
        async () => {
          const stream = newStream('race-all');
          const wonRevisions: number[] = [];

          await Promise.all(
            range(50).map(async (appender) => {
              const event = testEvent('Raced', { appender });
              for (;;) {
                const expected = await currentRevision(store, stream);
                try {
                  const result = await store.append(stream, [event], expected);
                  wonRevisions.push(result.nextExpectedRevision);
                  return;
                } catch (error) {
                  if (!(error instanceof ConcurrencyError)) throw error;
                }
              }
            }),
          );

          const recorded = await store.readStream(stream);
          expect(recorded.map((event) => event.revision)).toEqual(range(50));
          expect(new Set(recorded.map((event) => event.data.appender)).size).toBe(50);
          expect([...wonRevisions].sort((a, b) => a - b)).toEqual(range(50));
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('catch-up subscription on $all', () => {
      it(
        'delivers the history after the checkpoint, then live events, in order',
        async () => {
          const stream = newStream('catch-up');
          const checkpoint = await store.append(stream, [testEvent('Before')], 'no_stream');
          const history = [testEvent('History', { n: 1 }), testEvent('History', { n: 2 })];
          await store.append(stream, history, 0);

          const subscription = store.subscribeToAll({ after: checkpoint.position });
          const live = [testEvent('Live', { n: 3 }), testEvent('Live', { n: 4 })];
          const received = collect(subscription, (event) => event.streamId === stream, 4);
          await store.append(stream, [live[0]], 2);
          await store.append(stream, [live[1]], 3);

          const events = await received;
          expect(events.map((event) => event.eventId)).toEqual([...history, ...live].map((event) => event.eventId));
          expect(events.map((event) => event.revision)).toEqual([1, 2, 3, 4]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'started mid-stream while writers append: every later event exactly once, in position order',
        async () => {
          const writers = 4;
          const eventsPerWriter = 60;
          const streams = range(writers).map((writer) => newStream(`live-${writer}`));
          const appended: Array<{ eventId: string; position: Position }> = [];
          let subscription: AllSubscription | undefined;
          let received: Promise<RecordedEvent[]> | undefined;
          let checkpoint: Position | undefined;

          await Promise.all(
            streams.map(async (stream, writer) => {
              for (const index of range(eventsPerWriter)) {
                const event = testEvent('Written', { writer, index });
                const result = await store.append(stream, [event], index === 0 ? 'no_stream' : index - 1);
                appended.push({ eventId: event.eventId, position: result.position });
                if (writer === 0 && index === eventsPerWriter / 3) {
                  // Subscribe from the middle of the writing, from a position this test just got back.
                  checkpoint = result.position;
                  subscription = store.subscribeToAll({ after: checkpoint });
                  const expectedCount = () => appended.filter((seen) => seen.position > checkpoint!).length;
                  received = collectUntil(
                    subscription,
                    (event) => streams.includes(event.streamId),
                    (events) => appended.length === writers * eventsPerWriter && events.length >= expectedCount(),
                  );
                }
              }
            }),
          );
          // The last append may have landed after the collector's last look: wake it with one more event elsewhere.
          await store.append(newStream('live-nudge'), [testEvent('Nudge')], 'no_stream');

          const events = await received!;
          const expected = appended
            .filter((event) => comparePositions(event.position, checkpoint!) > 0)
            .sort((a, b) => comparePositions(a.position, b.position));
          // Writer 0 alone appends two thirds of its events after the checkpoint.
          expect(expected.length).toBeGreaterThan(eventsPerWriter / 2);
          expect(events.map((event) => event.eventId)).toEqual(expected.map((event) => event.eventId));
          expect(events.map((event) => event.position)).toEqual(expected.map((event) => event.position));
          expectStrictlyIncreasing(events.map((event) => event.position));
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'from the beginning: this run’s events appear exactly once, in order',
        async () => {
          const stream = newStream('from-start');
          const events = range(5).map((index) => testEvent('Counted', { index }));
          await store.append(stream, events.slice(0, 3), 'no_stream');

          const subscription = store.subscribeToAll();
          const received = collect(subscription, (event) => event.streamId === stream, 5);
          await store.append(stream, events.slice(3), 2);

          expect((await received).map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'close() ends a waiting iteration; nothing is delivered afterwards',
        async () => {
          const stream = newStream('close');
          const checkpoint = await store.append(stream, [testEvent('Before')], 'no_stream');
          const subscription = store.subscribeToAll({ after: checkpoint.position });
          const delivered: RecordedEvent[] = [];
          const iteration = (async () => {
            for await (const event of subscription) if (event.streamId === stream) delivered.push(event);
          })();

          await store.append(stream, [testEvent('Seen')], 0);
          await waitFor(() => delivered.length === 1);
          await subscription.close();
          await expect(
            withTimeout(iteration, SUBSCRIPTION_TIMEOUT_MS, 'iteration did not end'),
          ).resolves.toBeUndefined();
          await store.append(stream, [testEvent('Unseen')], 1);
          expect(delivered.map((event) => event.type)).toEqual(['Seen']);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'breaking out of for-await closes the subscription',
        async () => {
          const stream = newStream('break');
          const checkpoint = await store.append(stream, [testEvent('Before')], 'no_stream');
          await store.append(stream, [testEvent('One'), testEvent('Two')], 0);
          const subscription = store.subscribeToAll({ after: checkpoint.position });

          for await (const event of subscription) if (event.streamId === stream) break;

          const iterator = subscription[Symbol.asyncIterator]();
          await expect(withTimeout(iterator.next(), SUBSCRIPTION_TIMEOUT_MS, 'still open')).resolves.toMatchObject({
            done: true,
          });
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('durability', () => {
      it(
        'appended events survive closing and reopening the store',
        async () => {
          const stream = newStream('durable');
          const events = range(3).map((index) => testEvent('Kept', { index, label: '持久' }));
          const writer = await harness.open();
          const result = await writer.append(stream, events, 'no_stream');
          await writer.close();

          const reopened = await harness.open();
          try {
            const recorded = await reopened.readStream(stream);
            expect(recorded.map((event) => [event.eventId, event.data])).toEqual(
              events.map((event) => [event.eventId, event.data]),
            );
            expect(recorded[2].position).toBe(result.position);
            await expect(reopened.append(stream, [testEvent('Next')], 1)).rejects.toMatchObject({ actual: 2 });
            expect((await reopened.append(stream, [testEvent('Next')], 2)).nextExpectedRevision).toBe(3);
          } finally {
            await reopened.close();
          }
        },
        TEST_TIMEOUT_MS,
      );
    });
  });
}

/** An event shaped like the ones the command loop writes (metadata per DESIGN 2.6). */
export function testEvent(type: string, data: JsonObject = {}): NewEvent {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    data,
    metadata: {
      eventId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: { id: 'contract-suite', roles: ['system'] },
      channel: 'CLI',
      recordedAt: '2024-01-01T00:00:00.000Z',
      schemaVersion: 1,
    },
  };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected a rejection, but the call succeeded');
}

async function currentRevision(store: EventStore, stream: string): Promise<number | 'no_stream'> {
  try {
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return last.revision;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return 'no_stream';
    throw error;
  }
}

function expectStrictlyIncreasing(positions: readonly Position[]): void {
  for (let index = 1; index < positions.length; index++) {
    if (comparePositions(positions[index - 1], positions[index]) >= 0) {
      throw new Error(`Positions not strictly increasing at ${index}: ${positions[index - 1]} ≥ ${positions[index]}`);
    }
  }
}

/** Collects matching events until `count` arrived, then closes the subscription. */
function collect(
  subscription: AllSubscription,
  matches: (event: RecordedEvent) => boolean,
  count: number,
): Promise<RecordedEvent[]> {
  return collectUntil(subscription, matches, (events) => events.length >= count);
}

async function collectUntil(
  subscription: AllSubscription,
  matches: (event: RecordedEvent) => boolean,
  done: (events: readonly RecordedEvent[]) => boolean,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), SUBSCRIPTION_TIMEOUT_MS);
  try {
    for await (const event of subscription) {
      if (matches(event)) events.push(event);
      if (done(events)) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  return events;
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = SUBSCRIPTION_TIMEOUT_MS / 10;
  for (let attempt = 0; !condition(); attempt++) {
    if (attempt > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
