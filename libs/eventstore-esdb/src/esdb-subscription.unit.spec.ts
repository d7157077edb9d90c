import { PassThrough } from 'node:stream';
import { Metadata, status } from '@grpc/grpc-js';
import {
  convertToCommandError,
  AccessDeniedError,
  UnavailableError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type ReadPosition,
} from '@eventstore/db-client';
import { isPermanentSubscriptionError, SubscriptionError, type RecordedEvent } from '@lib/event-sourcing';
import { testEvent } from '@lib/event-sourcing/testing';
import { isOwnEvent, toEventData } from './esdb-mapping';
import {
  EsdbSubscriptionError,
  ResubscribingAllSubscription,
  type ResubscribingSubscriptionOptions,
} from './esdb-subscription';

// EventStoreDB cannot run here, so the server side is a scripted stand-in: each subscribeToAll call returns an
// object-mode stream like the client's Subscription (a Transform that emits 'confirmation' and 'error' itself),
// and a script decides what the "server" sends on it. Errors are the client's real classes.

type Script = (stream: PassThrough) => void;

class ScriptedServer {
  readonly subscribedFrom: ReadPosition[] = [];
  readonly unsubscribed: number[] = [];

  constructor(private readonly scripts: Script[]) {}

  readonly subscribe = (from: ReadPosition): AllStreamSubscription => {
    const call = this.subscribedFrom.push(from) - 1;
    const stream = new PassThrough({ objectMode: true });
    const subscription = Object.assign(stream, {
      unsubscribe: async () => {
        this.unsubscribed.push(call);
      },
    });
    // The client attaches the gRPC call asynchronously too; by then the reader is listening.
    const script = this.scripts[Math.min(call, this.scripts.length - 1)];
    setImmediate(() => script(stream));
    return subscription as unknown as AllStreamSubscription;
  };
}

/** An event as the client yields it from $all, at position n (commit = prepare = n). */
function at(n: number, streamId = 'policy-P-1', type = 'Noted'): AllStreamResolvedEvent {
  const sent = toEventData(testEvent(type, { n }));
  const position = { commit: BigInt(n), prepare: BigInt(n) };
  return {
    event: {
      streamId,
      id: sent.id,
      isJson: true,
      revision: BigInt(n),
      type: sent.type,
      created: new Date(0),
      data: sent.data,
      metadata: sent.metadata,
      position,
    },
    commitPosition: position.commit,
  } as AllStreamResolvedEvent;
}

const send =
  (...events: AllStreamResolvedEvent[]): Script =>
  (stream) => {
    for (const event of events) stream.write(event);
  };
const sendThenFail =
  (error: Error, ...events: AllStreamResolvedEvent[]): Script =>
  (stream) => {
    send(...events)(stream);
    stream.emit('error', error);
  };
const confirmThenFail =
  (error: Error): Script =>
  (stream) => {
    stream.emit('confirmation');
    stream.emit('error', error);
  };
const catchUpThenFail =
  (error: Error): Script =>
  (stream) => {
    stream.emit('confirmation');
    stream.emit('caughtUp');
    stream.emit('error', error);
  };
/** What the server answers a subscription from a position that is not an event boundary: confirmation, then this. */
const invalidPosition = () =>
  convertToCommandError(
    Object.assign(new Error('3 INVALID_ARGUMENT: Trying to read from an invalid position.'), {
      code: status.INVALID_ARGUMENT,
      details: 'Trying to read from an invalid position.',
      metadata: new Metadata(),
    }),
  ) as Error;

function subscription(server: ScriptedServer, options: Partial<ResubscribingSubscriptionOptions> = {}) {
  return new ResubscribingAllSubscription({
    subscribe: server.subscribe,
    accepts: (event) => isOwnEvent(event),
    initialDelayMs: 1,
    ...options,
  });
}

async function take(source: AsyncIterable<RecordedEvent>, count: number): Promise<RecordedEvent[]> {
  const taken: RecordedEvent[] = [];
  if (count === 0) return taken;
  for await (const event of source) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

const numbers = (events: readonly RecordedEvent[]) => events.map((event) => event.data.n);

describe('ResubscribingAllSubscription', () => {
  it('starts at the checkpoint, skips the event at it, and passes over events that are not ours', async () => {
    const server = new ScriptedServer([
      send(at(10), at(11), at(12, '$$policy-P-1', '$metadata'), at(13, 'policy-P-2'), at(14, '$stats-node')),
    ]);

    const events = await take(subscription(server, { after: { commit: 10n, prepare: 10n } }), 2);

    expect(server.subscribedFrom).toEqual([{ commit: 10n, prepare: 10n }]);
    expect(numbers(events)).toEqual([11, 13]);
    expect(events.map((event) => event.position)).toEqual([
      '00000000000000000011-00000000000000000011',
      '00000000000000000013-00000000000000000013',
    ]);
  });

  it('after a dropped connection resubscribes from the last position passed and delivers nothing twice', async () => {
    const dropped = new UnavailableError(undefined, '14 UNAVAILABLE: Connection dropped');
    const onDropped = jest.fn();
    const server = new ScriptedServer([
      sendThenFail(dropped, at(1), at(2, '$$policy-P-1', '$metadata')),
      // The server may send the resume position (and earlier events) again.
      send(at(1), at(2, '$$policy-P-1', '$metadata'), at(3), at(4)),
    ]);

    const events = await take(subscription(server, { onDropped }), 3);

    expect(numbers(events)).toEqual([1, 3, 4]);
    expect(server.subscribedFrom).toEqual(['start', { commit: 2n, prepare: 2n }]);
    expect(onDropped).toHaveBeenCalledWith(dropped, 1);
    expect(server.unsubscribed).toEqual([0, 1]);
  });

  it('ends the iteration with a permanent error, such as access denied, without resubscribing', async () => {
    const denied = new AccessDeniedError(undefined, 'Access denied');
    const server = new ScriptedServer([sendThenFail(denied, at(1))]);
    const delivered: RecordedEvent[] = [];

    const iteration = (async () => {
      for await (const event of subscription(server)) delivered.push(event);
    })();

    const error = await iteration.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(EsdbSubscriptionError);
    expect(error).toMatchObject({ transient: false, attempts: 1, cause: denied });
    expect(numbers(delivered)).toEqual([1]);
    expect(server.subscribedFrom).toHaveLength(1);
  });

  it('a bad checkpoint (confirmed, then "invalid position") ends the iteration at once with a clear error', async () => {
    const onDropped = jest.fn();
    const server = new ScriptedServer([confirmThenFail(invalidPosition())]);

    const error = await take(subscription(server, { after: { commit: 11n, prepare: 11n }, onDropped }), 1).catch(
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(EsdbSubscriptionError);
    expect(error).toMatchObject({ transient: false, resumeAfter: '00000000000000000011-00000000000000000011' });
    // The port's notion: readers stop on it without knowing this adapter.
    expect(error).toBeInstanceOf(SubscriptionError);
    expect(isPermanentSubscriptionError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The EventStoreDB $all subscription (from after position 00000000000000000011-00000000000000000011) ' +
        'ended with an error that is not retried: INVALID_ARGUMENT: Trying to read from an invalid position.',
    );
    expect(onDropped).not.toHaveBeenCalled();
    expect(server.subscribedFrom).toHaveLength(1);
  });

  it('gives up after maxAttempts consecutive failures and passes the last error on', async () => {
    const errors = [1, 2, 3].map((attempt) => new UnavailableError(undefined, `attempt ${attempt}`));
    const server = new ScriptedServer(errors.map((error) => sendThenFail(error)));
    const onDropped = jest.fn();

    const error = await take(subscription(server, { maxAttempts: 3, onDropped }), 1).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(EsdbSubscriptionError);
    expect(error).toMatchObject({ transient: true, attempts: 3, cause: errors[2] });
    expect(isPermanentSubscriptionError(error)).toBe(false);
    expect(server.subscribedFrom).toHaveLength(3);
    expect(onDropped.mock.calls.map(([, attempt]) => attempt)).toEqual([1, 2]);
  });

  it('a confirmation alone does not reset the count: confirmed-then-dropped every time still gives up', async () => {
    const server = new ScriptedServer([confirmThenFail(new UnavailableError(undefined, 'dropped after confirmation'))]);

    const error = await take(subscription(server, { maxAttempts: 3 }), 1).catch((reason: unknown) => reason);

    expect(error).toMatchObject({ name: 'EsdbSubscriptionError', transient: true, attempts: 3 });
    expect(server.subscribedFrom).toHaveLength(3);
  });

  it('counts only failures without progress in between: a passed event or catching up resets the count', async () => {
    const dropped = () => new UnavailableError(undefined, 'dropped');
    const server = new ScriptedServer([
      sendThenFail(dropped(), at(1)),
      catchUpThenFail(dropped()),
      sendThenFail(dropped(), at(2, '$$policy-P-1', '$metadata')),
      catchUpThenFail(dropped()),
      send(at(3)),
    ]);

    expect(numbers(await take(subscription(server, { maxAttempts: 2 }), 2))).toEqual([1, 3]);
    expect(server.subscribedFrom).toHaveLength(5);
  });

  it('close() ends an iteration that waits for live events', async () => {
    const server = new ScriptedServer([send(at(1))]);
    const live = subscription(server);
    const delivered: RecordedEvent[] = [];
    const iteration = (async () => {
      for await (const event of live) delivered.push(event);
    })();
    await waitFor(() => delivered.length === 1);

    await live.close();

    await expect(iteration).resolves.toBeUndefined();
    expect(server.unsubscribed).toEqual([0]);
  });

  it('an error the client emits after close() is ignored rather than crashing the process', async () => {
    let stream: PassThrough | undefined;
    const server = new ScriptedServer([(sent) => (stream = sent)]);
    const live = subscription(server);
    const iteration = take(live, 1);
    await waitFor(() => stream !== undefined);

    await live.close();

    expect(() => stream!.emit('error', new UnavailableError(undefined, 'late'))).not.toThrow();
    await expect(iteration).resolves.toEqual([]);
  });

  it('close() during the pause before a resubscription ends the iteration at once', async () => {
    const onDropped = jest.fn();
    const server = new ScriptedServer([sendThenFail(new UnavailableError(undefined, 'dropped'))]);
    const pausing = subscription(server, { initialDelayMs: 60_000, onDropped });
    const iteration = take(pausing, 1);
    await waitFor(() => onDropped.mock.calls.length === 1);

    await pausing.close();

    await expect(iteration).resolves.toEqual([]);
    expect(server.subscribedFrom).toHaveLength(1);
  });

  it('once left with break, iterating again yields nothing', async () => {
    const server = new ScriptedServer([send(at(1), at(2))]);
    const once = subscription(server);

    expect(numbers(await take(once, 1))).toEqual([1]);
    await expect(once[Symbol.asyncIterator]().next()).resolves.toEqual({ done: true, value: undefined });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; !condition(); attempt++) {
    if (attempt > 500) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
