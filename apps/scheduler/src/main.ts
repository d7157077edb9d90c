import 'reflect-metadata';
import { createPolicyApi } from '../../policy-api/src/app.factory';
import { ConfigError, loadConfig, type AppConfig } from '../../policy-api/src/config/app-config';
import { createLogger } from '../../policy-api/src/logging/logger';

/**
 * The production scheduler (DESIGN 1 and 6): the API's command bus and handlers without HTTP or gRPC, running the
 * daily servicing day at SCHEDULER_DAILY_AT and the orphan-reassignment process manager. Configure the API instances
 * with SCHEDULER_ENABLED=false and ORPHAN_REASSIGNMENT_ENABLED=false; running both here and there would still be
 * safe (idempotency keys, recorded plans), only wasteful. With KAFKA_BROKERS set it reads the read models the Kafka
 * projector feeds; without, it feeds them itself (embedded projection).
 */
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
  const app = await createPolicyApi(config, { logger });
  app.enableShutdownHooks();
  await app.init();
  const { hour, minute } = config.scheduler.dailyAt;
  logger.info(
    {
      dailyAt: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} ${config.businessTimeZone}`,
      scheduler: config.scheduler.enabled,
      orphanReassignment: config.scheduler.orphanReassignmentEnabled,
    },
    'scheduler started',
  );
  // The daily timer is unref'd; this keeps the process alive until a shutdown signal.
  setInterval(() => undefined, 1 << 30);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `scheduler: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
