import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeEventStoreContract } from '@lib/event-sourcing/testing';
import { SqliteEventStore } from './sqlite-event-store';

describeEventStoreContract('SQLite (node:sqlite, WAL)', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-contract-'));
  const file = path.join(directory, 'events.sqlite');
  return {
    open: () => SqliteEventStore.open({ path: file, pollIntervalMs: 50 }),
    streamPrefix: 'contract-',
    dispose: async () => fs.rmSync(directory, { recursive: true, force: true }),
  };
});
