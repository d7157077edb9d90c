/**
 * The relay when the event store ends its $all subscription: a transient end is resubscribed after the checkpoint, a
 * permanent one stops the relay (state `failed`, /health 503, onFailed: the process exits 1). No broker is needed:
 * nothing is published (the checkpoint store is SQLite in a temporary data dir).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SubscriptionError } from '@lib/event-sourcing';
import { ScriptedSubscriptions } from '@lib/event-sourcing/testing';
import { createCheckpointStore } from '@lib/read-models';
import { startRelay, type RelayHandle } from './relay';
import { loadRelayConfig, type RelayConfig } from './relay-config';

const CHECKPOINT = '00000000000000000012-00000000000000000012';
const invalidPosition = new SubscriptionError(
  false,
  'The $all subscription ended with an error that is not retried: INVALID_ARGUMENT: Trying to read from an invalid position.',
);
const unreachable = new SubscriptionError(true, 'The $all subscription failed 10 times in a row: UNAVAILABLE');

describe('event relay, when the event store ends its subscription', () => {
  let dataDir: string;
  let config: RelayConfig;
  let relay: RelayHandle | undefined;
  let logLines: Record<string, unknown>[];
  let failed: unknown[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'relay-subscription-'));
    // Nothing listens on port 1; nothing is published either.
    config = loadRelayConfig({ KAFKA_BROKERS: '127.0.0.1:1', DATA_DIR: dataDir, HTTP_PORT: '0' });
    const checkpoints = await createCheckpointStore(config.checkpointStore);
    await checkpoints.save(config.checkpointName, CHECKPOINT);
    await checkpoints.close();
    logLines = [];
    failed = [];
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (eventStore: ScriptedSubscriptions) => {
    relay = await startRelay(config, {
      eventStore,
      logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) }),
      onFailed: (error) => failed.push(error),
    });
    return relay;
  };

  async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function health(handle: RelayHandle): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${handle.httpPort}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('transient (the store out of reach) → resubscribed after the checkpoint; the relay stays healthy', async () => {
    const store = new ScriptedSubscriptions([{ failWith: unreachable }, { failWith: unreachable }]);
    const handle = await start(store);

    await until(() => store.subscribedAfter.length === 3);

    expect(store.subscribedAfter).toEqual([CHECKPOINT, CHECKPOINT, CHECKPOINT]);
    expect(failed).toEqual([]);
    expect(await health(handle)).toMatchObject({ status: 200, body: { state: 'running' } });
  });

  it('permanent (the store refuses the checkpoint) → stopped: one fatal line, /health 503, onFailed (exit 1)', async () => {
    const store = new ScriptedSubscriptions([{ failWith: invalidPosition }]);
    const handle = await start(store);

    await until(() => failed.length === 1);
    // Longer than the first retry pause (100 ms): no second subscription.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(failed).toEqual([invalidPosition]);
    expect(store.subscribedAfter).toEqual([CHECKPOINT]);
    expect(handle.status()).toMatchObject({
      state: 'failed',
      lastError: `SubscriptionError: ${invalidPosition.message}`,
    });
    expect(await health(handle)).toMatchObject({ status: 503, body: { state: 'failed' } });
    const errors = logLines.filter((line) => (line.level as number) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        level: 60,
        checkpoint: CHECKPOINT,
        reason: invalidPosition.message,
        msg: expect.stringContaining('event-relay stopped relaying: the event store refuses its $all subscription'),
      }),
    ]);
    expect(JSON.stringify(errors[0])).not.toContain('    at ');
  });
});
