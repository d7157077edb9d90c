/** The projector process (DESIGN 1, 5): configuration from the environment, SIGTERM/SIGINT stop it gracefully. */
import { ConfigError } from '@lib/config';
import { ReadModelLayoutOutdatedError } from '@lib/read-models';
import { startTracing } from '@lib/tracing';
import { stopOnSignals } from '@lib/worker-runtime';
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
  const tracing = startTracing(config.tracing, { logger });
  if (tracing.enabled) logger.info({ serviceName: config.tracing.serviceName }, 'tracing: spans exported over OTLP');
  // Signals are handled from before the start: a SIGTERM right after "projector started" is logged must stop it
  // gracefully, not meet Node's default (terminate at once).
  let projector: ProjectorHandle | undefined;
  stopOnSignals(logger, (signal) => {
    logger.info({ signal }, 'stopping: finishing the chunk in hand and committing offsets');
    // The spans of the last chunks are exported before the process exits.
    return (projector?.stop() ?? Promise.resolve()).finally(() => tracing.shutdown());
  });
  try {
    projector = await startProjector(config, { logger });
  } catch (error) {
    // Once the logger exists, a failed start is one JSON line like every other, not a stack on stderr.
    if (error instanceof ReadModelLayoutOutdatedError) {
      // Nothing to debug: the line says what to run (no stack).
      logger.fatal({ layout: error.layout }, `projector refuses to start: ${error.message}`);
    } else logger.fatal({ err: error }, 'projector failed to start');
    await tracing.shutdown().catch(() => undefined);
    logger.flush(() => process.exit(1));
    return;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `projector: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
