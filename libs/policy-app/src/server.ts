import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createPolicyApi, type PolicyApiOverrides } from './app.factory';
import type { AppConfig } from './config/app-config';
import { grpcAddress } from './grpc/grpc-transport';

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
