/** The projector process (DESIGN 1, 5): configuration from the environment, SIGTERM/SIGINT stop it gracefully. */
import { ConfigError } from '@lib/worker-runtime';
import { createProjectorLogger, startProjector, type ProjectorHandle } from './projector';
import { loadProjectorConfig, type ProjectorConfig } from './projector-config';

async function main(): Promise<void> {
  let config: ProjectorConfig;
  try {
    config = loadProjectorConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`projector: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createProjectorLogger(config);
  let projector: ProjectorHandle;
  try {
    projector = await startProjector(config, { logger });
  } catch (error) {
    // Once the logger exists, a failed start is one JSON line like every other, not a stack on stderr.
    logger.fatal({ err: error }, 'projector failed to start');
    logger.flush(() => process.exit(1));
    return;
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      logger.flush(() => process.exit(1));
      return;
    }
    logger.info({ signal }, 'stopping: finishing the chunk in hand and committing offsets');
    projector.stop().then(
      () => logger.flush(() => process.exit(0)),
      (error: unknown) => {
        logger.error({ err: error }, 'graceful stop failed');
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `projector: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
