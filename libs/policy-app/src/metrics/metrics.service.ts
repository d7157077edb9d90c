import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { LOGGER } from '../logging/logger';
import { CatchUpReporter, LAG_PROBE_LIMIT } from '../projections/catch-up';
import { EmbeddedProjector, type EmbeddedProjectorState } from '../projections/embedded-projector';
import { ReadModelConnection } from '../projections/read-model-connection';
import { CommandMetrics } from './command-metrics';
import { GrpcMetrics } from './grpc-metrics';
import { HttpMetrics } from './http-metrics';
import { counterReading, gauge, single } from './instruments';
import { ProcessMetrics } from './process-metrics';
import { renderExposition, type MetricFamily } from './prometheus-text';

/** A scrape never waits longer than this for the event store or the read models; an unanswered check reads 0. */
const SCRAPE_CHECK_TIMEOUT_MS = 2_000;

/** Every state, so the state gauge has one series per state (1 for the current one); a new state must be added. */
const PROJECTOR_STATES = Object.keys({
  disabled: true,
  starting: true,
  running: true,
  retrying: true,
  stopped: true,
  failed: true,
} satisfies Record<EmbeddedProjectorState, true>) as EmbeddedProjectorState[];

class CheckTimedOut extends Error {}

async function withinTimeout<T>(check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckTimedOut(`no answer within ${SCRAPE_CHECK_TIMEOUT_MS} ms`)),
      SCRAPE_CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One scrape: the counters and histograms kept as requests go by, plus what is read now (event-store readiness, the
 * read models' checkpoint and lag, the embedded projection's state, the process). The read-model lag costs one
 * bounded read of the log after the checkpoint (usually empty), as every report does.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly http: HttpMetrics,
    private readonly grpc: GrpcMetrics,
    private readonly commands: CommandMetrics,
    private readonly processMetrics: ProcessMetrics,
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
    private readonly projector: EmbeddedProjector,
    private readonly readModels: ReadModelConnection,
    private readonly catchUp: CatchUpReporter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async scrape(): Promise<string> {
    const [eventStore, readModels] = await Promise.all([this.eventStoreFamilies(), this.readModelFamilies()]);
    return renderExposition([
      ...this.http.collect(),
      ...this.grpc.collect(),
      ...this.commands.collect(),
      ...eventStore,
      ...readModels,
      ...this.processMetrics.collect(),
    ]);
  }

  private async eventStoreFamilies(): Promise<MetricFamily[]> {
    let ready = 1;
    try {
      await withinTimeout(() => this.eventStore.checkReady());
    } catch (error) {
      ready = 0;
      this.logger.debug({ err: error }, 'metrics: the event store is not ready');
    }
    return [
      gauge(
        'policy_api_event_store_ready',
        'Whether the event store answered a read (1) or not (0) at scrape time, by store mode.',
        [{ labels: { mode: this.eventStore.mode }, value: ready }],
      ),
      counterReading(
        'policy_api_event_store_foreign_events_total',
        "Events of other applications (not of this application's shape) that reads of the event store's log passed " +
          'over: a shared EventStoreDB; always 0 on the embedded store.',
        [{ labels: { mode: this.eventStore.mode }, value: this.eventStore.foreignEventsPassedOver() }],
      ),
    ];
  }

  private async readModelFamilies(): Promise<MetricFamily[]> {
    const current = this.projector.state;
    const families = [
      gauge(
        'policy_api_embedded_projection_state',
        'State of the in-process projection feed (1 for the current state); disabled when KAFKA_BROKERS is set, ' +
          'failed when the event store refuses its subscription (see /health/ready).',
        PROJECTOR_STATES.map((state) => ({ labels: { state }, value: state === current ? 1 : 0 })),
      ),
    ];
    try {
      const caughtUp = await withinTimeout(async () =>
        this.catchUp.describe(await (await this.readModels.store()).checkpoint()),
      );
      families.push(
        gauge('policy_api_read_model_up', 'Whether the read-model store answered (1) or not (0).', single(1)),
        counterReading(
          'policy_api_read_model_events_applied_total',
          "Events applied to the read models (the read models' persisted checkpoint count).",
          single(caughtUp.eventsApplied),
        ),
        gauge(
          'policy_api_read_model_quarantined_streams',
          'Streams the read models stopped projecting at an event they cannot apply (0 normally).',
          single(caughtUp.quarantinedStreams),
        ),
      );
      if (caughtUp.lagEvents !== undefined) {
        families.push(
          gauge(
            'policy_api_read_model_lag_events',
            `Policy and agent events in the log not yet applied to the read models (counted among the first ${LAG_PROBE_LIMIT} events after the checkpoint).`,
            single(caughtUp.lagEvents),
          ),
        );
      }
      if (caughtUp.lagSeconds !== undefined) {
        families.push(
          gauge(
            'policy_api_read_model_lag_seconds',
            'Seconds since the oldest policy or agent event not yet applied to the read models was recorded (0 when caught up).',
            single(caughtUp.lagSeconds),
          ),
        );
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'metrics: the read models did not answer');
      families.push(
        gauge('policy_api_read_model_up', 'Whether the read-model store answered (1) or not (0).', single(0)),
      );
    }
    return families;
  }
}
