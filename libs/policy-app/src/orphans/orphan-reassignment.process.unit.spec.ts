import pino from 'pino';
import { SubscriptionError } from '@lib/event-sourcing';
import { ScriptedSubscriptions } from '@lib/event-sourcing/testing';
import type { ReadModelCatchUp } from '../scheduler/read-model-catch-up';
import { OrphanReassignmentProcess } from './orphan-reassignment.process';

/** The process manager when its subscription fails: a transient failure is resumed, a permanent one stops it. */
describe('OrphanReassignmentProcess, when the event store ends its subscription', () => {
  const invalidPosition = new SubscriptionError(
    false,
    'The $all subscription ended with an error that is not retried: INVALID_ARGUMENT: Trying to read from an invalid position.',
  );
  const unreachable = new SubscriptionError(true, 'The $all subscription failed 10 times in a row: UNAVAILABLE');

  let logLines: Record<string, unknown>[];
  let failures: string[];

  beforeEach(() => {
    logLines = [];
    failures = [];
  });

  function processOn(store: ScriptedSubscriptions): OrphanReassignmentProcess {
    return new OrphanReassignmentProcess({
      store,
      send: () => Promise.reject(new Error('no command is expected')),
      readModels: () => Promise.reject(new Error('no read-model query is expected')),
      catchUp: {} as ReadModelCatchUp,
      clock: { now: () => '2026-06-15T08:00:00.000Z' },
      ids: { newId: () => '00000000-0000-4000-8000-000000000001' },
      logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) }),
      catchUpTimeoutMs: 1_000,
      retryDelayMs: 10,
      onFailed: (reason) => failures.push(reason),
    });
  }

  async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('transient (the store out of reach) → resumed from the checkpoint after the pause', async () => {
    const store = new ScriptedSubscriptions([{ failWith: unreachable }, { failWith: unreachable }]);
    const manager = processOn(store);

    manager.start();
    try {
      await until(() => store.subscribedAfter.length === 3);
      expect(failures).toEqual([]);
    } finally {
      await manager.stop();
    }
  });

  it('permanent (the store refuses the checkpoint) → stopped with one error line, and onFailed told why', async () => {
    const store = new ScriptedSubscriptions([{ failWith: invalidPosition }]);
    const manager = processOn(store);

    manager.start();
    await until(() => failures.length === 1);
    // Many times the retry pause (10 ms): no second subscription.
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(store.subscribedAfter).toHaveLength(1);
    expect(failures).toEqual([invalidPosition.message]);
    const errors = logLines.filter((line) => (line.level as number) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        component: 'orphan-reassignment',
        checkpoint: null,
        reason: invalidPosition.message,
        msg: expect.stringContaining('orphan reassignment stopped'),
      }),
    ]);
    await manager.stop();
  });

  it('an event this version cannot read (a newer schema) is passed over with one warning; the feed carries on', async () => {
    const newer = {
      eventId: '00000000-0000-4000-8000-0000000000aa',
      type: 'AgentDeparted',
      data: { agentId: 'AG-9', departedOn: '2026-06-01', reassignment: 'BALANCED' },
      metadata: { schemaVersion: 99 },
      streamId: 'agent-AG-9',
      revision: 1,
      position: 'p-1',
    };
    const store = new ScriptedSubscriptions([{ events: [newer] }]);
    const manager = processOn(store);

    manager.start();
    try {
      await until(() => logLines.some((line) => line.streamId === 'agent-AG-9'));
      expect(failures).toEqual([]);
      expect(logLines.filter((line) => (line.level as number) >= 50)).toEqual([]);
      expect(logLines.find((line) => line.streamId === 'agent-AG-9')).toMatchObject({
        level: 40,
        revision: 1,
        schemaVersion: 99,
        msg: 'orphan reassignment passed over an event this version cannot read',
      });
      expect(store.subscribedAfter).toHaveLength(1); // not restarted from the checkpoint
    } finally {
      await manager.stop();
    }
  });
});
