import 'reflect-metadata';
import { ConfigError } from '@lib/config';
import { createLogger, loadConfig, startPolicyApi, type AppConfig } from '@lib/policy-app';
import { startTracing } from '@lib/tracing';
import { stopOnSignals } from '@lib/worker-runtime';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`policy-api: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Before the first request: each command request is a server span (off unless OTEL_* configures an exporter).
  const tracing = startTracing(config.tracing, { logger });
  if (tracing.enabled) logger.info({ serviceName: config.tracing.serviceName }, 'tracing: spans exported over OTLP');
  const api = await startPolicyApi(config, logger);
  if (config.generatedAdminKey) {
    // The secret goes to stderr once, never into the JSON logs on stdout; the log says that it happened.
    process.stderr.write(
      `policy-api: API_KEYS is unset; generated an admin key for this run:\n  Authorization: Bearer ${config.apiKeys[0].secret}\n` +
        `Set API_KEYS="id:secret:role+role,…" to configure keys.\n`,
    );
    logger.warn(
      { keyId: config.apiKeys[0].id },
      'API_KEYS is unset: generated an admin key for this run (printed once on stderr)',
    );
  }
  stopOnSignals(logger, (signal) => {
    // The spans of the last requests are exported before the process exits.
    return api.stop(signal).finally(() => tracing.shutdown());
  });
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => {
    process.stderr.write(
      `policy-api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
