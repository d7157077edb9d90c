import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { LOGGER } from '../logging/logger';
import { CatchUpReporter, LAG_PROBE_LIMIT, type CaughtUp } from '../projections/catch-up';
import { EmbeddedProjector, type EmbeddedProjectorState } from '../projections/embedded-projector';
import { ReadModelConnection } from '../projections/read-model-connection';
import { METRICS_REGISTRY } from './metrics-registry';

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

/** An unlabelled gauge or counter without a sample when the value is unknown (as Prometheus shows a missing one). */
function setOrRemove(metric: Gauge | Counter, value: number | undefined): void {
  if (value === undefined) metric.remove();
  else if (metric instanceof Gauge) metric.set(value);
  else {
    metric.reset();
    metric.inc(value);
  }
}

/**
 * The app's registry (@lib/worker-runtime: one per app, with the process's runtime metrics), which the recorders
 * (HttpMetrics, GrpcMetrics, CommandMetrics) count into as requests go by, plus the families read at scrape time
 * (prom-client `collect` callbacks): event-store readiness, the read models' checkpoint and lag, the embedded
 * projection's state. The read-model lag costs one bounded read of the log after the checkpoint (usually empty), as
 * every report does; the read-model families of one scrape share that read.
 */
@Injectable()
export class MetricsService {
  private readModelsRead: Promise<CaughtUp | undefined> | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
    private readonly projector: EmbeddedProjector,
    private readonly readModels: ReadModelConnection,
    private readonly catchUp: CatchUpReporter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.eventStoreFamilies();
    this.readModelFamilies();
  }

  /** The Prometheus text exposition of every family. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  private eventStoreFamilies(): void {
    const labels = { mode: this.eventStore.mode };
    const ready: Gauge<'mode'> = new Gauge({
      name: 'policy_api_event_store_ready',
      help: 'Whether the event store answered a read (1) or not (0) at scrape time, by store mode.',
      labelNames: ['mode'],
      registers: [this.registry],
      collect: async () => {
        try {
          await withinTimeout(() => this.eventStore.checkReady());
          ready.set(labels, 1);
        } catch (error) {
          ready.set(labels, 0);
          this.logger.debug({ err: error }, 'metrics: the event store is not ready');
        }
      },
    });
    const foreign: Counter<'mode'> = new Counter({
      name: 'policy_api_event_store_foreign_events_total',
      help:
        "Events of other applications (not of this application's shape) that reads of the event store's log passed " +
        'over: a shared EventStoreDB; always 0 on the embedded store.',
      labelNames: ['mode'],
      registers: [this.registry],
      collect: () => {
        foreign.reset();
        foreign.inc(labels, this.eventStore.foreignEventsPassedOver());
      },
    });
  }

  private readModelFamilies(): void {
    const registers = [this.registry];
    const state: Gauge<'state'> = new Gauge({
      name: 'policy_api_embedded_projection_state',
      help:
        'State of the in-process projection feed (1 for the current state); disabled when KAFKA_BROKERS is set, ' +
        'failed when the event store refuses its subscription (see /health/ready).',
      labelNames: ['state'],
      registers,
      collect: () => {
        const current = this.projector.state;
        for (const each of PROJECTOR_STATES) state.set({ state: each }, each === current ? 1 : 0);
      },
    });
    const readModelsNow = () => this.readModelsNow();
    /** The collector of a family of the read models' state: a sample only when they answered and know the value. */
    const sampleOf = (value: (caughtUp: CaughtUp) => number | undefined) =>
      async function collect(this: Gauge | Counter): Promise<void> {
        const caughtUp = await readModelsNow();
        setOrRemove(this, caughtUp === undefined ? undefined : value(caughtUp));
      };
    const up: Gauge = new Gauge({
      name: 'policy_api_read_model_up',
      help: 'Whether the read-model store answered (1) or not (0).',
      registers,
      collect: async () => up.set((await readModelsNow()) === undefined ? 0 : 1),
    });
    new Counter({
      name: 'policy_api_read_model_events_applied_total',
      help: "Events applied to the read models (the read models' persisted checkpoint count).",
      registers,
      collect: sampleOf((caughtUp) => caughtUp.eventsApplied),
    });
    new Gauge({
      name: 'policy_api_read_model_quarantined_streams',
      help: 'Streams the read models stopped projecting at an event they cannot apply (0 normally).',
      registers,
      collect: sampleOf((caughtUp) => caughtUp.quarantinedStreams),
    });
    new Gauge({
      name: 'policy_api_read_model_lag_events',
      help: `Policy and agent events in the log not yet applied to the read models (counted among the first ${LAG_PROBE_LIMIT} events after the checkpoint).`,
      registers,
      collect: sampleOf((caughtUp) => caughtUp.lagEvents),
    });
    new Gauge({
      name: 'policy_api_read_model_lag_seconds',
      help: 'Seconds since the oldest policy or agent event not yet applied to the read models was recorded (0 when caught up).',
      registers,
      collect: sampleOf((caughtUp) => caughtUp.lagSeconds),
    });
  }

  /** The read models' state, read once per scrape (the families are collected together) and never for longer than the timeout. */
  private readModelsNow(): Promise<CaughtUp | undefined> {
    this.readModelsRead ??= withinTimeout(async () =>
      this.catchUp.describe(await (await this.readModels.store()).checkpoint()),
    )
      .catch((error: unknown) => {
        this.logger.debug({ err: error }, 'metrics: the read models did not answer');
        return undefined;
      })
      .finally(() => {
        this.readModelsRead = undefined;
      });
    return this.readModelsRead;
  }
}
