import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { ConfigError } from '@lib/config';
import { stopOnSignals } from '@lib/worker-runtime';
import { createPolicyApi, type PolicyApiOverrides } from './app.factory';
import { loadConfig, type AppConfig } from './config/app-config';
import { grpcAddress } from './grpc/grpc-transport';
import { createLogger } from './logging/logger';

export interface RunningPolicyApi {
  readonly app: NestExpressApplication;
  /** Where REST listens, as bound: `http://127.0.0.1:3000`. */
  readonly httpUrl: string;
  /** Stops taking requests, lets those in flight finish, closes the stores; logs before and after. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `host:port` as a URL authority (IPv6 addresses in brackets). */
function authority(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/**
 * Starts REST on HTTP_HOST:HTTP_PORT and gRPC beside it, and logs where they listen as bound (0.0.0.0 means every
 * interface; the default 127.0.0.1 only this machine).
 */
export async function startPolicyApi(
  config: AppConfig,
  logger: Logger,
  overrides: Omit<PolicyApiOverrides, 'logger'> = {},
): Promise<RunningPolicyApi> {
  const app = await createPolicyApi(config, { ...overrides, logger });
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
  const httpUrl = `http://${authority(app.getHttpServer().address() as AddressInfo)}`;
  const grpc = grpcAddress(config);
  logger.info(
    {
      http: httpUrl,
      grpc,
      dataDir: config.dataDir,
      eventStore: config.eventStoreConnectionString === undefined ? 'embedded-sqlite' : 'eventstoredb',
      jurisdiction: config.jurisdiction,
      businessTimeZone: config.businessTimeZone,
    },
    `policy-api listening on ${httpUrl} (OpenAPI at /docs); gRPC on ${grpc}`,
  );
  let stopped: Promise<void> | undefined;
  return {
    app,
    httpUrl,
    stop(signal) {
      stopped ??= (async () => {
        logger.info({ signal }, 'policy-api shutting down: refusing new requests, finishing those in flight');
        await app.close();
        logger.info({ signal }, 'policy-api stopped');
      })();
      return stopped;
    },
  };
}

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
    return api.stop(signal);
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
