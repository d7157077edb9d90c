import { comparePositions, type EventStore, type Position } from '@lib/event-sourcing';
import { agentIdFromStreamId, policyIdFromStreamId } from '@lib/policy-domain';
import type { ReadModelReader } from '@lib/read-models';

const SCAN_PAGE = 1000;
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 100;

export class ReadModelCatchUpTimeoutError extends Error {
  override readonly name = 'ReadModelCatchUpTimeoutError';
  constructor(
    readonly target: Position,
    readonly reached: Position | null,
    timeoutMs: number,
  ) {
    super(
      `The read models did not reach log position ${target} within ${timeoutMs} ms (they are at ${String(reached)}); ` +
        'is the projection (embedded feed or Kafka projector) running?',
    );
  }
}

/** Streams the read models project: policies and agents (idempotency-key index streams and the like are not). */
function isProjected(streamId: string): boolean {
  return policyIdFromStreamId(streamId) !== null || agentIdFromStreamId(streamId) !== null;
}

/**
 * "Have the read models seen everything written so far?" — answered from the two things every run mode has: the
 * read models' own checkpoint and the event store's log. It works the same for the embedded feed and for the Kafka
 * projector in production (the scheduler cannot look inside either), and it waits for a target fixed when the wait
 * starts, so steady API traffic cannot keep a run waiting forever.
 */
export class ReadModelCatchUp {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: () => Promise<ReadModelReader>,
  ) {}

  /** Position of the last policy or agent event now in the log (null when there is none after `from`). */
  async lastProjectedPosition(from: Position | null): Promise<Position | null> {
    let after = from ?? undefined;
    let last: Position | null = null;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: SCAN_PAGE });
      for (const event of page) if (isProjected(event.streamId)) last = event.position;
      if (page.length < SCAN_PAGE) return last;
      after = page[page.length - 1].position;
    }
  }

  /**
   * Resolves once the read models reflect every policy and agent event appended before the call.
   * @throws ReadModelCatchUpTimeoutError after `timeoutMs`.
   */
  async waitUntilCaughtUp(timeoutMs: number): Promise<void> {
    const started = Date.now();
    const reader = await this.readModels();
    const { position: applied } = await reader.checkpoint();
    const target = await this.lastProjectedPosition(applied);
    if (target === null) return;
    let reached = applied;
    let pause = FIRST_POLL_MS;
    while (reached === null || comparePositions(reached, target) < 0) {
      if (Date.now() - started > timeoutMs) throw new ReadModelCatchUpTimeoutError(target, reached, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, MAX_POLL_MS);
      reached = (await reader.checkpoint()).position;
    }
  }
}
