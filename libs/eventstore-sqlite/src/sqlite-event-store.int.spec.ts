import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ConcurrencyError, type RecordedEvent } from '@lib/event-sourcing';
import { testEvent } from '@lib/event-sourcing/testing';
import { SqliteEventStore } from './sqlite-event-store';

describe('SqliteEventStore (adapter specifics)', () => {
  let directory: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-sqlite-'));
    file = path.join(directory, 'data', 'events.sqlite');
    store = await SqliteEventStore.open({ path: file, pollIntervalMs: 50 });
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('the writer runs in WAL mode with synchronous=FULL, and the file is in WAL mode for everyone', async () => {
    expect(await store.writerFileSettings()).toEqual({ journalMode: 'wal', synchronous: 2 });
    const inspector = new DatabaseSync(file, { readOnly: true });
    try {
      expect(inspector.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    } finally {
      inspector.close();
    }
  });

  it('64 concurrent appends share commits instead of taking one each', async () => {
    const before = store.groupCommitStats();
    await Promise.all(
      Array.from({ length: 64 }, (_, index) => store.append(`group-${index}`, [testEvent('Grouped')], 'no_stream')),
    );
    const after = store.groupCommitStats();

    expect(after.appends - before.appends).toBe(64);
    expect(after.commits - before.commits).toBeLessThanOrEqual(2);
    expect(after.largestBatch).toBeGreaterThanOrEqual(32);
  });

  it('failing appends in a batch do not fail their neighbours, and take back only their own events', async () => {
    await store.append('taken', [testEvent('Opened')], 'no_stream');
    const usedId = (await store.readStream('taken'))[0].eventId;
    const before = store.groupCommitStats();

    const outcomes = await Promise.allSettled([
      store.append('neighbour-1', [testEvent('Ok')], 'no_stream'),
      store.append('taken', [testEvent('Stale')], 'no_stream'),
      store.append('neighbour-2', [testEvent('Ok'), testEvent('Ok')], 'no_stream'),
      store.append('reused-id', [testEvent('Fresh'), { ...testEvent('Reused'), eventId: usedId }], 'no_stream'),
      store.append('neighbour-3', [testEvent('Ok')], 'any'),
    ]);

    expect(store.groupCommitStats().commits - before.commits).toBe(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    expect((outcomes[3] as PromiseRejectedResult).reason.message).toMatch(/already used/);
    await expect(store.readStream('reused-id')).rejects.toThrow(/not found/);
    expect(await store.readStream('neighbour-2')).toHaveLength(2);
  });

  it('appends to one stream in the same batch see each other: create and follow-up both succeed', async () => {
    const [created, followed] = await Promise.all([
      store.append('same-batch', [testEvent('Opened')], 'no_stream'),
      store.append('same-batch', [testEvent('Noted')], 0),
    ]);

    expect([created.nextExpectedRevision, followed.nextExpectedRevision]).toEqual([0, 1]);
  });

  it('an acknowledged append is committed: a separate connection reads it before the store is closed', async () => {
    const event = testEvent('Committed', { note: 'visible' });
    await store.append('committed', [event], 'no_stream');

    const other = new DatabaseSync(file, { readOnly: true });
    try {
      expect(other.prepare('SELECT event_id, data FROM events WHERE stream_id = ?').all('committed')).toEqual([
        { event_id: event.eventId, data: '{"note":"visible"}' },
      ]);
    } finally {
      other.close();
    }
  });

  it('positions are fixed-width decimal strings, ordered as strings', async () => {
    const events = Array.from({ length: 12 }, () => testEvent('Numbered'));
    await store.append('numbered', events, 'no_stream');
    const positions = (await store.readStream('numbered')).map((event) => event.position);

    expect(positions.every((position) => /^\d{20}$/.test(position))).toBe(true);
    expect([...positions].sort()).toEqual(positions);
  });

  it('a subscription sees events another connection (process) writes to the same file', async () => {
    const other = await SqliteEventStore.open({ path: file });
    try {
      const checkpoint = (await store.append('mine', [testEvent('Mine')], 'no_stream')).position;
      const subscription = store.subscribeToAll({ after: checkpoint });
      const written = testEvent('Theirs');
      await other.append('theirs', [written], 'no_stream');

      const seen: RecordedEvent[] = [];
      for await (const event of subscription) {
        seen.push(event);
        break;
      }
      expect(seen.map((event) => event.eventId)).toEqual([written.eventId]);
    } finally {
      await other.close();
    }
  });

  it('close() lets queued appends finish, ends subscriptions and refuses new work', async () => {
    const subscription = store.subscribeToAll();
    const iteration = (async () => {
      let count = 0;
      for await (const _event of subscription) count++;
      return count;
    })();
    const queued = Array.from({ length: 10 }, (_, index) =>
      store.append(`closing-${index}`, [testEvent('Last')], 'no_stream'),
    );

    await store.close();

    expect(await Promise.all(queued)).toHaveLength(10);
    expect(await iteration).toBeLessThanOrEqual(10);
    await expect(store.append('after-close', [testEvent('Late')], 'no_stream')).rejects.toThrow(/closed/);
    await expect(store.readStream('closing-0')).rejects.toThrow(/closed/);

    const reopened = await SqliteEventStore.open({ path: file });
    try {
      expect(await reopened.readAll()).toHaveLength(10);
    } finally {
      await reopened.close();
    }
  });

  it('readAllRaw and subscribeToAllRaw: the readAll events with data as the stored JSON text', async () => {
    await store.append('raw-a', [testEvent('A1'), testEvent('A2')], 'no_stream');
    await store.append('raw-b', [testEvent('B1')], 'no_stream');
    const parsed = await store.readAll();
    const expected = parsed.map(({ data, ...rest }) => ({ ...rest, dataJson: JSON.stringify(data) }));

    expect(await store.readAllRaw()).toEqual(expected);
    expect(await store.readAllRaw({ after: parsed[0].position, maxCount: 1 })).toEqual(expected.slice(1, 2));

    const subscription = store.subscribeToAllRaw({ after: parsed[0].position });
    const live = testEvent('Live');
    const seen: unknown[] = [];
    for await (const event of subscription) {
      seen.push(event);
      if (seen.length === 2) void store.append('raw-c', [live], 'no_stream');
      if (seen.length === 3) break;
    }
    const [{ data: liveData, ...liveRest }] = await store.readStream('raw-c');
    expect(seen).toEqual([...expected.slice(1), { ...liveRest, dataJson: JSON.stringify(liveData) }]);
  });

  it('countAll: how many events readAll returns, from the start or after a position', async () => {
    expect(await store.countAll()).toBe(0);
    await store.append('count-a', [testEvent('A1'), testEvent('A2'), testEvent('A3')], 'no_stream');
    await store.append('count-b', [testEvent('B1')], 'no_stream');
    const all = await store.readAll();

    expect(await store.countAll()).toBe(all.length);
    expect(await store.countAll({ after: all[1].position })).toBe(2);
    expect(await store.countAll({ after: all[3].position })).toBe(0);
  });

  it('rejects malformed input before it reaches the writer', async () => {
    await expect(store.append('empty', [], 'no_stream')).rejects.toBeInstanceOf(TypeError);
    await expect(store.append('bad-id', [{ ...testEvent('X'), eventId: 'not-a-uuid' }], 'any')).rejects.toThrow(
      /not a UUID/,
    );
    await expect(store.append('bad-revision', [testEvent('X')], -1)).rejects.toBeInstanceOf(TypeError);
    await expect(store.readAll({ after: 'position-7' })).rejects.toBeInstanceOf(TypeError);
    expect(() => store.subscribeToAll({ after: randomUUID() })).toThrow(TypeError);
  });
});
