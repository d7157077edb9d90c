import { appendInOrder, disposeInOrder } from './esdb-dispose-order';

/** A promise settled from outside, to hold an append or a disposal open. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('disposal ordered against appends in flight (process-wide)', () => {
  it('a client is disposed only once every append in flight, of any client, has settled', async () => {
    const log: string[] = [];
    const first = deferred();
    const second = deferred();
    const appending = [
      appendInOrder(() => first.promise.then(() => log.push('append 1 settled'))),
      appendInOrder(() => second.promise.then(() => log.push('append 2 settled'))),
    ];

    const disposal = disposeInOrder(async () => {
      log.push('disposed');
    });
    first.resolve();
    await tick();
    second.resolve();
    await Promise.all([...appending, disposal]);

    expect(log).toEqual(['append 1 settled', 'append 2 settled', 'disposed']);
  });

  it('an append that starts while a client is being disposed waits until it is disposed', async () => {
    const log: string[] = [];
    const inFlight = deferred();
    const disposing = deferred();
    const before = appendInOrder(() => inFlight.promise.then(() => log.push('append before')));
    const disposal = disposeInOrder(async () => {
      log.push('dispose started');
      await disposing.promise;
      log.push('disposed');
    });
    const after = appendInOrder(async () => {
      log.push('append after');
    });

    inFlight.resolve();
    await tick();
    disposing.resolve();
    await Promise.all([before, disposal, after]);

    expect(log).toEqual(['append before', 'dispose started', 'disposed', 'append after']);
  });

  it('a failed disposal releases waiting appends, and reports its error', async () => {
    const disposal = disposeInOrder(async () => {
      throw new Error('dispose failed');
    });
    const after = appendInOrder(async () => 'appended');

    await expect(disposal).rejects.toThrow('dispose failed');
    await expect(after).resolves.toBe('appended');
  });
});
