import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ConcurrencyError } from '@lib/event-sourcing';
import { testEvent } from '@lib/event-sourcing/testing';
import { SqliteEventStore } from './sqlite-event-store';
import { SQLITE_FILE_PRAGMAS } from './sqlite-file';

/** The writer's own mechanisms: cached stream heads, failure isolation and positions under the flat wire format. */
describe('SqliteWriter (heads cache, batch outcomes)', () => {
  let directory: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-writer-'));
    file = path.join(directory, 'events.sqlite');
    store = await SqliteEventStore.open({ path: file, pollIntervalMs: 50 });
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** Writes one event as a foreign process would: its own connection, its own transaction. */
  function writeFromAnotherConnection(streamId: string, revision: number): void {
    const other = new DatabaseSync(file);
    try {
      other.exec(SQLITE_FILE_PRAGMAS);
      other
        .prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)')
        .run(streamId, revision, randomUUID(), 'Foreign', '{}', '{}');
    } finally {
      other.close();
    }
  }

  it('answers expected-revision checks of known streams from cached heads, without a query', async () => {
    let expected: number | 'no_stream' = 'no_stream';
    expected = (await store.append('cached', [testEvent('First')], expected)).nextExpectedRevision;
    const queriesBefore = store.groupCommitStats().headQueries;

    for (let index = 0; index < 10; index++) {
      expected = (await store.append('cached', [testEvent('Next')], expected)).nextExpectedRevision;
    }

    expect(expected).toBe(10);
    expect(store.groupCommitStats().headQueries).toBe(queriesBefore);
    await expect(store.append('cached', [testEvent('Stale')], 5)).rejects.toEqual(
      new ConcurrencyError('cached', 5, 10),
    );
  });

  it('sees a write another connection made between two batches, and still detects the conflict', async () => {
    await store.append('shared', [testEvent('Ours')], 'no_stream'); // head 0 cached
    writeFromAnotherConnection('shared', 1);

    await expect(store.append('shared', [testEvent('Stale')], 0)).rejects.toEqual(new ConcurrencyError('shared', 0, 1));
    const appended = await store.append('shared', [testEvent('Fresh')], 1);

    expect(appended.nextExpectedRevision).toBe(2);
    expect((await store.readStream('shared')).map((event) => event.type)).toEqual(['Ours', 'Foreign', 'Fresh']);
  });

  it('sees a stream another connection created after this writer cached it as absent', async () => {
    await expect(store.append('absent', [testEvent('Follow-up')], 0)).rejects.toEqual(
      new ConcurrencyError('absent', 0, 'no_stream'),
    ); // head "no stream" cached
    writeFromAnotherConnection('absent', 0);

    await expect(store.append('absent', [testEvent('Create')], 'no_stream')).rejects.toEqual(
      new ConcurrencyError('absent', 'no_stream', 0),
    );
    expect((await store.append('absent', [testEvent('Follow-up')], 0)).nextExpectedRevision).toBe(1);
  });

  it('two stores (two writers) on one file alternate on a stream without missing a conflict', async () => {
    const other = await SqliteEventStore.open({ path: file });
    try {
      let expected: number | 'no_stream' = 'no_stream';
      for (let round = 0; round < 6; round++) {
        const [writer, stale] = round % 2 === 0 ? [store, other] : [other, store];
        expected = (await writer.append('ping-pong', [testEvent('Move')], expected)).nextExpectedRevision;
        // The other writer cached the head it saw last time; this one moved it.
        if (round > 0) {
          await expect(stale.append('ping-pong', [testEvent('Stale')], expected - 1)).rejects.toBeInstanceOf(
            ConcurrencyError,
          );
        }
      }
      expect((await store.readStream('ping-pong')).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await other.close();
    }
  });

  it('a reused event id among single-event appends of one batch fails only that append; positions follow the batch', async () => {
    await store.append('owner', [testEvent('Owned')], 'no_stream');
    const usedId = (await store.readStream('owner'))[0].eventId;
    await Promise.all(
      Array.from({ length: 8 }, (_, index) => store.append(`run-${index}`, [testEvent('Opened')], 'no_stream')),
    );
    const before = store.groupCommitStats();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        store.append(
          `run-${index}`,
          [index === 3 ? { ...testEvent('Reused'), eventId: usedId } : testEvent('Next')],
          0,
        ),
      ),
    );

    expect(store.groupCommitStats().commits - before.commits).toBe(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason.message).toMatch(/already used/);
    const positions = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.position] : []));
    expect([...positions].sort()).toEqual(positions);
    const stored = await store.readAll({ after: (await store.readStream('run-7'))[0].position });
    expect(stored.map((event) => event.position)).toEqual(positions);
    expect(stored.map((event) => event.streamId)).toEqual([
      'run-0',
      'run-1',
      'run-2',
      'run-4',
      'run-5',
      'run-6',
      'run-7',
    ]);

    // The failed append's head was not moved: the stream continues at revision 1, the others at 2.
    expect((await store.append('run-3', [testEvent('Retry')], 0)).nextExpectedRevision).toBe(1);
    expect((await store.append('run-4', [testEvent('Next')], 1)).nextExpectedRevision).toBe(2);
  });

  it('single- and multi-event appends mixed in one batch get positions in batch order', async () => {
    const results = await Promise.all([
      store.append('mixed-a', [testEvent('A')], 'no_stream'),
      store.append('mixed-b', [testEvent('B1'), testEvent('B2')], 'no_stream'),
      store.append('mixed-c', [testEvent('C')], 'any'),
      store.append('mixed-a', [testEvent('A2')], 0),
      store.append('mixed-d', [testEvent('D')], 'no_stream'),
    ]);

    const positions = results.map((result) => result.position);
    expect([...positions].sort()).toEqual(positions);
    expect((await store.readAll()).map((event) => event.type)).toEqual(['A', 'B1', 'B2', 'C', 'A2', 'D']);
    expect(results.map((result) => result.nextExpectedRevision)).toEqual([0, 1, 0, 1, 0]);
  });

  it('a retry in the same batch as the original append is recognised as the same append', async () => {
    const event = testEvent('Once');
    const [first, retry] = await Promise.all([
      store.append('retried', [event], 'no_stream'),
      store.append('retried', [event], 'no_stream'),
    ]);

    expect(retry).toEqual(first);
    expect(await store.readStream('retried')).toHaveLength(1);
  });
});
