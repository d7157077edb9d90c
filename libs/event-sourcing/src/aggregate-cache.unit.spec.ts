import { AggregateCache, idempotencySlot, type CachedStream } from './aggregate-cache';

const counter = { name: 'counter aggregate' };
const otherAggregate = { name: 'another aggregate' };

function entry(revision: number, total: number, aggregate: object = counter): CachedStream<{ total: number }> {
  return { aggregate, revision, state: { total }, keyed: new Map() };
}

describe('aggregate cache', () => {
  it('keeps at most maxStreams streams and drops the least recently used first', () => {
    const cache = new AggregateCache({ maxStreams: 2 });
    cache.remember('counter-a', entry(0, 1));
    cache.remember('counter-b', entry(0, 2));
    expect(cache.get(counter, 'counter-a')).toBeDefined(); // a is now more recent than b

    cache.remember('counter-c', entry(0, 3));

    expect(cache.size).toBe(2);
    expect(cache.get(counter, 'counter-b')).toBeUndefined();
    expect(cache.get(counter, 'counter-a')?.state).toEqual({ total: 1 });
    expect(cache.get(counter, 'counter-c')?.state).toEqual({ total: 3 });
  });

  it('never holds more than maxStreams, and always the most recently used half of them', () => {
    for (const maxStreams of [1, 2, 3, 10, 101]) {
      const cache = new AggregateCache({ maxStreams });
      const used: string[] = [];
      for (let index = 0; index < maxStreams * 6; index++) {
        // Mostly new streams, every third step a hit on a stream used a little earlier.
        const streamId = index % 3 === 2 && used.length > 1 ? used[used.length - 2] : `counter-${index}`;
        if (cache.get(counter, streamId) === undefined) cache.remember(streamId, entry(0, index));
        used.push(streamId);
        expect(cache.size).toBeLessThanOrEqual(maxStreams);
      }
      const mostRecent = [...new Set([...used].reverse())].slice(0, Math.ceil(maxStreams / 2));
      expect(mostRecent.filter((streamId) => !cache.has(streamId))).toEqual([]);
    }
  });

  it('a newer revision of a held stream replaces it without evicting another stream', () => {
    const cache = new AggregateCache({ maxStreams: 2 });
    cache.remember('counter-a', entry(0, 1));
    cache.remember('counter-b', entry(0, 2));

    cache.remember('counter-a', entry(1, 5));

    expect(cache.size).toBe(2);
    expect(cache.get(counter, 'counter-a')).toMatchObject({ revision: 1, state: { total: 5 } });
    expect(cache.get(counter, 'counter-b')).toMatchObject({ revision: 0 });
  });

  it('an older or equal revision never replaces what is held (a slow request cannot roll the state back)', () => {
    const cache = new AggregateCache({ maxStreams: 10 });
    cache.remember('counter-a', entry(4, 10));

    cache.remember('counter-a', entry(3, 6));
    cache.remember('counter-a', entry(4, 99));

    expect(cache.get(counter, 'counter-a')).toMatchObject({ revision: 4, state: { total: 10 } });
  });

  it('a lookup with another aggregate is a miss', () => {
    const cache = new AggregateCache({ maxStreams: 10 });
    cache.remember('counter-a', entry(0, 1));

    expect(cache.get(otherAggregate, 'counter-a')).toBeUndefined();
    expect(cache.get(counter, 'counter-a')).toBeDefined();
  });

  it('forget and clear drop entries', () => {
    const cache = new AggregateCache({ maxStreams: 10 });
    cache.remember('counter-a', entry(0, 1));
    cache.remember('counter-b', entry(0, 2));

    cache.forget('counter-a');
    expect(cache.get(counter, 'counter-a')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new AggregateCache({ maxStreams: 0 })).toThrow(RangeError);
    expect(() => new AggregateCache({ maxStreams: 1.5 })).toThrow(RangeError);
  });

  it('idempotency slots cannot collide through a separator inside an actor id or key', () => {
    expect(idempotencySlot('a:b', 'c')).not.toBe(idempotencySlot('a', 'b:c'));
    expect(idempotencySlot('clerk-1', 'k')).toBe(idempotencySlot('clerk-1', 'k'));
  });
});
