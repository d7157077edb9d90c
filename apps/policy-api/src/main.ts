import 'reflect-metadata';
import { createPolicyApi } from './app.factory';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { grpcAddress } from './grpc/grpc-transport';
import { createLogger } from './logging/logger';

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
  const app = await createPolicyApi(config, { logger });
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(config.httpPort, '0.0.0.0');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.httpPort;
  if (config.generatedAdminKey) {
    // Printed once, on stderr and outside the JSON logs: it is a secret.
    process.stderr.write(
      `\npolicy-api: API_KEYS is unset; generated an admin key for this run:\n  Authorization: Bearer ${config.apiKeys[0].secret}\n` +
        `Set API_KEYS="id:secret:role+role,…" to configure keys.\n\n`,
    );
  }
  logger.info(
    {
      port,
      grpc: grpcAddress(config),
      dataDir: config.dataDir,
      eventStore: config.eventStoreConnectionString === undefined ? 'embedded-sqlite' : 'eventstoredb',
      jurisdiction: config.jurisdiction,
    },
    `policy-api listening on http://127.0.0.1:${port} (OpenAPI at /docs); gRPC on ${grpcAddress(config)}`,
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `policy-api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
