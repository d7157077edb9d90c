import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { EventStoreUnavailableError, type NewEvent } from '@lib/event-sourcing';
import { testEvent } from '@lib/event-sourcing/testing';
import { SqliteEventStore, type WritabilityChange } from './sqlite-event-store';
import { SQLITE_FILE_PRAGMAS, SQLITE_SCHEMA_VERSION } from './sqlite-file';

/**
 * A full disk without root: SQLite's `max_page_count` caps the writer connection's file size, and an append that
 * needs a page beyond it fails with SQLITE_FULL exactly as on a full disk (DESIGN 7).
 */
describe('SqliteEventStore on a full disk (max_page_count)', () => {
  let directory: string;
  let file: string;
  const opened: SqliteEventStore[] = [];

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-full-'));
    file = path.join(directory, 'events.sqlite');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    fs.rmSync(directory, { recursive: true, force: true });
  });

  async function open(options: { maxPageCount?: number; changes?: WritabilityChange[] } = {}) {
    const store = await SqliteEventStore.open({
      path: file,
      maxPageCount: options.maxPageCount,
      onWritabilityChange: (change) => options.changes?.push(change),
    });
    opened.push(store);
    return store;
  }

  /** An event of about `bytes` of data: a few of them need fresh pages. */
  function bulkyEvent(bytes = 6_000): NewEvent {
    return { ...testEvent('Bulky'), data: { filler: 'x'.repeat(bytes) } };
  }

  /** Writes until the store refuses, and returns the refusal. */
  async function fill(store: SqliteEventStore): Promise<unknown> {
    await store.setMaxPageCount(1); // SQLite keeps the cap at the current size: full from here on
    for (let index = 0; index < 100; index++) {
      try {
        await store.append(`filler-${index}`, [bulkyEvent()], 'no_stream');
      } catch (error) {
        return error;
      }
    }
    throw new Error('The store never filled up');
  }

  it('a refused append is EventStoreUnavailableError disk-full and writes nothing; readiness follows', async () => {
    const changes: WritabilityChange[] = [];
    const store = await open({ changes });
    await store.append('policy-A', [testEvent('Issued')], 'no_stream');
    await store.checkWritable();
    const refusal = await fill(store);
    const eventsBefore = await store.countAll();

    const refused = store.append('policy-A', [testEvent('Paid'), bulkyEvent(), bulkyEvent()], 0);

    await expect(refused).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(refused).rejects.toMatchObject({ reason: 'disk-full' });
    expect(refusal).toMatchObject({ reason: 'disk-full' });
    expect((await store.readStream('policy-A')).map((event) => event.type)).toEqual(['Issued']);
    expect(await store.countAll()).toBe(eventsBefore);
    await expect(store.checkWritable()).rejects.toMatchObject({ reason: 'disk-full' });
    expect(changes).toEqual([{ writable: false, refusal }]);
  });

  it('recovers when space returns: the next check probes, then appends go through', async () => {
    const changes: WritabilityChange[] = [];
    const store = await open({ changes });
    await fill(store);

    await store.setMaxPageCount(1_000_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the probe runs at most once a second
    await store.checkWritable();
    const appended = await store.append('policy-B', [bulkyEvent(), bulkyEvent()], 'no_stream');

    expect(appended.nextExpectedRevision).toBe(1);
    expect(changes.map((change) => change.writable)).toEqual([false, true]);
  });

  it('a write that goes through makes the store writable again without waiting for a probe', async () => {
    const store = await open();
    await fill(store);
    await expect(store.checkWritable()).rejects.toBeInstanceOf(EventStoreUnavailableError);

    await store.setMaxPageCount(1_000_000);
    await store.append('policy-C', [testEvent('Issued')], 'no_stream');

    await expect(store.checkWritable()).resolves.toBeUndefined();
  });

  it('opening an up-to-date file writes nothing, so the store opens on a full disk: reads served, writes refused', async () => {
    const first = await open();
    await first.append('policy-D', [testEvent('Issued')], 'no_stream');
    await first.close();
    const watcher = new DatabaseSync(file);
    try {
      const dataVersion = () => (watcher.prepare('PRAGMA data_version').get() as { data_version: number }).data_version;
      const before = dataVersion();

      const store = await open({ maxPageCount: 1 });

      expect(dataVersion()).toBe(before); // no other connection committed anything
      expect((await store.readStream('policy-D')).map((event) => event.type)).toEqual(['Issued']);
      await expect(store.checkWritable()).rejects.toMatchObject({ reason: 'disk-full' });
      await expect(store.append('policy-E', [bulkyEvent()], 'no_stream')).rejects.toMatchObject({
        reason: 'disk-full',
      });
    } finally {
      watcher.close();
    }
  });

  it('a file of an older schema that cannot be updated on a full disk opens read-only, and updates once it can', async () => {
    const legacy = new DatabaseSync(file);
    legacy.exec(SQLITE_FILE_PRAGMAS);
    legacy.exec(`
      CREATE TABLE events (
        position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL CHECK (revision >= 0),
        event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
        UNIQUE (stream_id, revision)
      ) STRICT;
      PRAGMA user_version = 1;
    `);
    legacy
      .prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, 0, ?, ?, ?, ?)')
      .run('policy-F', testEvent('Issued').eventId, 'Issued', '{}', '{}');
    legacy.close();

    const store = await open({ maxPageCount: 1 });

    expect((await store.readStream('policy-F')).map((event) => event.type)).toEqual(['Issued']);
    await expect(store.checkWritable()).rejects.toMatchObject({ reason: 'disk-full' });
    await store.setMaxPageCount(1_000_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await store.checkWritable();
    const inspector = new DatabaseSync(file, { readOnly: true });
    try {
      expect(inspector.prepare('PRAGMA user_version').get()).toEqual({ user_version: SQLITE_SCHEMA_VERSION });
    } finally {
      inspector.close();
    }
  });

  it('a writer that stopped is started again by the next append', async () => {
    const store = await open();
    await store.append('policy-G', [testEvent('Issued')], 'no_stream');
    // What a crash of the worker thread looks like from the store: the worker is gone.
    const writer = Reflect.get(store, 'writer') as { worker: { terminate(): Promise<number> } };
    await writer.worker.terminate();

    const appended = await store.append('policy-G', [testEvent('Paid')], 0);

    expect(appended.nextExpectedRevision).toBe(1);
    await expect(store.checkWritable()).resolves.toBeUndefined();
  });
});
