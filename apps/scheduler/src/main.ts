import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigError } from '@lib/config';
import { stopOnSignals } from '@lib/worker-runtime';
import {
  createPolicyApi,
  type PolicyApiOverrides,
  loadConfig,
  type AppConfig,
  EVENT_STORE_HANDLE,
  type EventStoreHandle,
  FEEDS,
  FeedHealth,
  createLogger,
  MetricsService,
} from '@lib/policy-app';
import { startSchedulerHttp, type Readiness } from './scheduler-http';

/** A readiness check never waits longer than this for the event store. */
/** The scheduler's HTTP port (health, metrics) when HTTP_PORT is not set: 3002, beside the API's 3000. */
const SCHEDULER_DEFAULT_HTTP_PORT = 3002;
const READY_CHECK_TIMEOUT_MS = 2_000;

export interface RunningScheduler {
  readonly app: INestApplicationContext;
  /** Where /health/live, /health/ready (and /health) and /metrics answer. */
  readonly httpUrl: string;
  /** Stops the daily timer and the process manager, closes the stores and the HTTP server; logs before and after. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The production scheduler (DESIGN 1 and 6): the API's command bus and handlers without the API, running the daily
 * servicing day at SCHEDULER_DAILY_AT and the orphan-reassignment process manager. Configure the API instances with
 * SCHEDULER_ENABLED=false and ORPHAN_REASSIGNMENT_ENABLED=false; running both here and there would still be safe
 * (idempotency keys, recorded plans), only wasteful. With KAFKA_BROKERS set it reads the read models the Kafka
 * projector feeds; without, it feeds them itself (embedded projection). Its HTTP server on HTTP_HOST:HTTP_PORT serves
 * only health and metrics: ready while the event store answers and neither feed (the process manager, the embedded
 * projection) stopped for good because the event store refuses its subscription.
 */
export async function startScheduler(
  config: AppConfig,
  logger: Logger,
  overrides: Omit<PolicyApiOverrides, 'logger'> = {},
): Promise<RunningScheduler> {
  const app = await createPolicyApi(config, { ...overrides, logger });
  await app.init();
  const eventStore = app.get<EventStoreHandle>(EVENT_STORE_HANDLE);
  const metrics = app.get(MetricsService);
  const feedHealth = app.get(FeedHealth);
  let stopping = false;
  const readiness = async (): Promise<Readiness> => {
    if (stopping) return { ready: false, body: { status: 'stopping' } };
    const failedFeeds = FEEDS.flatMap((feed) => {
      const reason = feedHealth.failureOf(feed);
      return reason === undefined ? [] : [[feed, { failed: true, error: reason }] as const];
    });
    if (failedFeeds.length > 0)
      return { ready: false, body: { status: 'failed', feeds: Object.fromEntries(failedFeeds) } };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        eventStore.checkWritable(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${READY_CHECK_TIMEOUT_MS} ms`)),
            READY_CHECK_TIMEOUT_MS,
          );
        }),
      ]);
      return { ready: true, body: { status: 'ok', eventStore: { mode: eventStore.mode, ready: true } } };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ready: false,
        body: { status: 'unavailable', eventStore: { mode: eventStore.mode, ready: false, error: reason } },
      };
    } finally {
      clearTimeout(timer);
    }
  };
  // Not the API's default port: `npm start` and `npm run scheduler` side by side on one host must both start.
  const port = process.env.HTTP_PORT === undefined ? SCHEDULER_DEFAULT_HTTP_PORT : config.httpPort;
  let http: Awaited<ReturnType<typeof startSchedulerHttp>>;
  try {
    http = await startSchedulerHttp(config.httpHost, port, { readiness, metrics: () => metrics.scrape() });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { hour, minute } = config.scheduler.dailyAt;
  logger.info(
    {
      dailyAt: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} ${config.businessTimeZone}`,
      scheduler: config.scheduler.enabled,
      orphanReassignment: config.scheduler.orphanReassignmentEnabled,
      http: http.url,
    },
    `scheduler started; health and metrics on ${http.url}`,
  );
  let stopped: Promise<void> | undefined;
  return {
    app,
    httpUrl: http.url,
    stop(signal) {
      stopped ??= (async () => {
        stopping = true;
        logger.info({ signal }, 'scheduler shutting down: a servicing day in progress runs to its end');
        await app.close();
        await http.close();
        logger.info({ signal }, 'scheduler stopped');
      })();
      return stopped;
    },
  };
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig({ SCHEDULER_ENABLED: 'true', ORPHAN_REASSIGNMENT_ENABLED: 'true', ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`scheduler: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, 'scheduler');
  const scheduler = await startScheduler(config, logger);
  stopOnSignals(logger, (signal) => {
    return scheduler.stop(signal);
  });
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => {
    process.stderr.write(
      `scheduler: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
