import pino from 'pino';
import { createReadModelStore, type ReadModelLayout, type ReadModelStore } from '@lib/read-models';
import { loadConfig } from '../config/app-config';
import { ReadModelConnection, ReadModelsUnavailableError } from './read-model-connection';

jest.mock('@lib/read-models', () => ({
  ...jest.requireActual<object>('@lib/read-models'),
  createReadModelStore: jest.fn(),
}));

/** The connection in front of read models of an older layout: reads are refused, saying why, until it is current. */
describe('ReadModelConnection, on read models of an older layout', () => {
  const OLD: ReadModelLayout = { stored: null, current: 'p1.0123456789abcdef', upToDate: false };
  const CURRENT: ReadModelLayout = { stored: 'p1.0123456789abcdef', current: 'p1.0123456789abcdef', upToDate: true };
  let layout: ReadModelLayout;
  let layoutReads: number;
  let logLines: Record<string, unknown>[];
  const store = {
    kind: 'sqlite',
    layout: async () => {
      layoutReads++;
      return layout;
    },
    close: async () => undefined,
  } as unknown as ReadModelStore;

  beforeEach(() => {
    layout = OLD;
    layoutReads = 0;
    logLines = [];
    jest.mocked(createReadModelStore).mockResolvedValue(store);
  });

  function connection(env: Record<string, string> = {}): ReadModelConnection {
    const config = loadConfig({ DATA_DIR: '/nonexistent', API_KEYS: 'a:0123456789abcdef:admin', ...env });
    const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    return new ReadModelConnection(config, logger);
  }

  it('embedded: being rebuilt (reports 503) while the projector gets the store; served once the layout is current', async () => {
    const readModels = connection();

    await expect(readModels.store()).rejects.toThrow(ReadModelsUnavailableError);
    await expect(readModels.store()).rejects.toThrow(
      /being rebuilt from the event log into this release's layout p1\.0123456789abcdef \(the tables have none\)/,
    );
    expect(await readModels.storeOfAnyLayout()).toBe(store);

    layout = CURRENT;
    expect(await readModels.store()).toBe(store);
    const reads = layoutReads;
    expect(await readModels.store()).toBe(store);
    expect(layoutReads).toBe(reads);
    await readModels.onApplicationShutdown();
  });

  it('with Kafka: refused with `policyctl rebuild` named, logged once; served after the rebuild swapped tables in', async () => {
    const readModels = connection({ KAFKA_BROKERS: '127.0.0.1:9092' });

    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(readModels.store()).rejects.toThrow(
        /the read models have layout none \(tables from before layout versions\) but this release needs p1\.0123456789abcdef: run `policyctl rebuild`/,
      );
    }
    expect(logLines.filter((line) => (line.level as number) >= 50)).toEqual([
      expect.objectContaining({
        storedLayout: null,
        layout: CURRENT.current,
        msg: expect.stringContaining('policyctl rebuild'),
      }),
    ]);

    layout = CURRENT;
    expect(await readModels.store()).toBe(store);
    await readModels.onApplicationShutdown();
  });
});
