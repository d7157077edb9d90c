import { Inject, Injectable } from '@nestjs/common';
import { readEventMetadata, type Clock, type EventStore } from '@lib/event-sourcing';
import { isProjectedStream, type ReadModelCheckpoint } from '@lib/read-models';
import type { Logger } from 'pino';
import { CLOCK, EVENT_STORE } from '../event-store/tokens';
import { LOGGER } from '../logging/logger';

/** The lag is counted by reading at most this many events (of any stream) after the read models' position. */
export const LAG_PROBE_LIMIT = 1000;

/** How far the read models have caught up with the event log (every report response says it: DESIGN 5). */
export interface CaughtUp {
  /** The greatest log position applied to the read models; null before the first event. */
  readonly position: string | null;
  /** recordedAt of the event at `position`. */
  readonly lastRecordedAt: string | null;
  /** Events applied so far. */
  readonly eventsApplied: number;
  /**
   * Streams the read models stopped projecting at an event they cannot apply (their rows stop before it; DESIGN 5
   * poison events). 0 normally; otherwise the projector's logs and `policyctl quarantine` name them.
   */
  readonly quarantinedStreams: number;
  /**
   * Policy and agent events in the log after `position` (0 = caught up); other streams (idempotency keys, process
   * checkpoints) are never projected, nor published to Kafka, so they do not count. Absent when the event store could
   * not be asked.
   */
  readonly lagEvents?: number;
  /** True when the probe read LAG_PROBE_LIMIT events and stopped there: `lagEvents` is then a lower bound. */
  readonly lagEventsIsLowerBound?: boolean;
  /** Seconds since the oldest policy or agent event not yet applied was recorded (0 when caught up). */
  readonly lagSeconds?: number;
}

/**
 * Compares a read-model checkpoint with the head of the event log: one bounded read of `$all` after the checkpoint
 * (usually empty, so cheap). If the event store cannot answer, the lag is left out rather than failing the report.
 */
@Injectable()
export class CatchUpReporter {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async describe(checkpoint: ReadModelCheckpoint): Promise<CaughtUp> {
    const caughtUp: CaughtUp = {
      position: checkpoint.position,
      lastRecordedAt: checkpoint.lastRecordedAt,
      eventsApplied: checkpoint.eventsApplied,
      quarantinedStreams: checkpoint.quarantinedStreams,
    };
    try {
      const probed = await this.events.readAll({
        ...(checkpoint.position === null ? {} : { after: checkpoint.position }),
        maxCount: LAG_PROBE_LIMIT,
      });
      const behind = probed.filter((event) => isProjectedStream(event.streamId));
      const oldestRecordedAt = behind.length === 0 ? undefined : readEventMetadata(behind[0].metadata).recordedAt;
      const lagMs = oldestRecordedAt === undefined ? 0 : Date.parse(this.clock.now()) - Date.parse(oldestRecordedAt);
      return {
        ...caughtUp,
        lagEvents: behind.length,
        lagEventsIsLowerBound: probed.length >= LAG_PROBE_LIMIT,
        lagSeconds: Number.isFinite(lagMs) ? Math.max(0, Math.round(lagMs) / 1000) : 0,
      };
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the event log head for the read-model lag');
      return caughtUp;
    }
  }
}
