import { comparePositions, type EventStore, type Position } from '@lib/event-sourcing';
import { pause, retryDelayMs, type RetryPolicy } from '@lib/feed-runtime';
import { isProjectedStream, type ReadModelReader } from '@lib/read-models';

const SCAN_PAGE = 1000;
/** Streams asked about per `streamRevisions` call. */
const REVISIONS_CHUNK = 1000;
/** Polls of the read models while they catch up: 2 ms, doubling, at most 0.1 s apart. */
const POLL_BACKOFF: RetryPolicy = { initialDelayMs: 2, maxDelayMs: 100 };
/** Streams named in the timeout message. */
const STREAMS_NAMED = 5;

export class ReadModelCatchUpTimeoutError extends Error {
  override readonly name = 'ReadModelCatchUpTimeoutError';
  constructor(
    readonly target: Position,
    readonly reached: Position | null,
    timeoutMs: number,
    /** Streams whose last events the read models had not applied yet. */
    readonly streamsBehind: readonly string[] = [],
  ) {
    super(
      `The read models did not reach log position ${target} within ${timeoutMs} ms (they are at ${String(reached)}` +
        (streamsBehind.length === 0
          ? ''
          : `; ${streamsBehind.length} streams behind, e.g. ${streamsBehind.slice(0, STREAMS_NAMED).join(', ')}`) +
        '); is the projection (embedded feed or Kafka projector) running?',
    );
  }
}

/** What a scan of the log found after a position. */
interface LogTail {
  /** The last revision written to each projected stream. */
  readonly revisions: Map<string, number>;
  /** Position of the last projected event (null when there is none). */
  readonly lastProjected: Position | null;
}

/**
 * "Have the read models seen everything written so far?" — answered from the two things every run mode has: the
 * event store's log and the read models' per-stream progress (projection_stream_revisions). It works the same for the
 * embedded feed and for the Kafka projector in production (the scheduler cannot look inside either), and it waits for
 * a target fixed when the wait starts, so steady API traffic cannot keep a run waiting forever.
 *
 * The read models' checkpoint is the greatest position applied, not a low watermark: the Kafka projector applies
 * partitions in any order, so it can pass a position while lower ones of other streams are still missing. So the wait
 * is per stream: every projected stream written to since the last verified position must have its last revision
 * applied.
 */
export class ReadModelCatchUp {
  /**
   * Every projected event up to this position is known to be applied (a low watermark, kept by this process; null:
   * nothing verified yet, the first wait scans the whole log). Later waits scan only the log after it.
   */
  private verified: Position | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: () => Promise<ReadModelReader>,
  ) {}

  /** Position of the last policy or agent event now in the log (null when there is none after `from`). */
  async lastProjectedPosition(from: Position | null): Promise<Position | null> {
    return (await this.scan(from)).lastProjected;
  }

  /**
   * Resolves once the read models reflect every policy and agent event appended before the call.
   * @throws ReadModelCatchUpTimeoutError after `timeoutMs`.
   */
  async waitUntilCaughtUp(timeoutMs: number): Promise<void> {
    const started = Date.now();
    const reader = await this.readModels();
    const tail = await this.scan(await this.verifiedPosition(reader));
    if (tail.lastProjected === null) return;
    let behind = [...tail.revisions];
    for (let polls = 1; ; polls++) {
      behind = await this.stillBehind(reader, behind);
      if (behind.length > 0) behind = await this.withoutQuarantined(reader, behind);
      if (behind.length === 0) break;
      if (Date.now() - started > timeoutMs) {
        const reached = (await reader.checkpoint()).position;
        throw new ReadModelCatchUpTimeoutError(
          tail.lastProjected,
          reached,
          timeoutMs,
          behind.map(([streamId]) => streamId),
        );
      }
      await pause(retryDelayMs(POLL_BACKOFF, polls));
    }
    if (this.verified === null || comparePositions(tail.lastProjected, this.verified) > 0) {
      this.verified = tail.lastProjected;
    }
  }

  /**
   * The position to scan after. Read models behind it (their greatest applied position below it) were reset or
   * replaced since it was verified: then everything is verified again.
   */
  private async verifiedPosition(reader: ReadModelReader): Promise<Position | null> {
    if (this.verified === null) return null;
    const { position } = await reader.checkpoint();
    if (position === null || comparePositions(position, this.verified) < 0) this.verified = null;
    return this.verified;
  }

  private async scan(from: Position | null): Promise<LogTail> {
    const revisions = new Map<string, number>();
    let lastProjected: Position | null = null;
    let after = from ?? undefined;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: SCAN_PAGE });
      for (const event of page) {
        if (!isProjectedStream(event.streamId)) continue;
        revisions.set(event.streamId, Math.max(event.revision, revisions.get(event.streamId) ?? -1));
        lastProjected = event.position;
      }
      if (page.length < SCAN_PAGE) return { revisions, lastProjected };
      after = page[page.length - 1].position;
    }
  }

  /**
   * A quarantined stream is as far as the read models will take it (until a rebuild): waiting for it would only time
   * out, every day, and hold up the scheduler for every other policy.
   */
  private async withoutQuarantined(reader: ReadModelReader, behind: [string, number][]): Promise<[string, number][]> {
    const quarantined = await reader.quarantinedStreams({
      streamIds: behind.map(([streamId]) => streamId),
      limit: behind.length,
    });
    if (quarantined.length === 0) return behind;
    const ids = new Set(quarantined.map((stream) => stream.streamId));
    return behind.filter(([streamId]) => !ids.has(streamId));
  }

  /** The [stream, revision] targets the read models have not applied yet. */
  private async stillBehind(
    reader: ReadModelReader,
    targets: readonly (readonly [string, number])[],
  ): Promise<[string, number][]> {
    const behind: [string, number][] = [];
    for (let start = 0; start < targets.length; start += REVISIONS_CHUNK) {
      const chunk = targets.slice(start, start + REVISIONS_CHUNK);
      const applied = await reader.streamRevisions(chunk.map(([streamId]) => streamId));
      for (const [streamId, revision] of chunk) {
        if ((applied.get(streamId) ?? -1) < revision) behind.push([streamId, revision]);
      }
    }
    return behind;
  }
}
