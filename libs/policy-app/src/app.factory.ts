import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Clock, IdGenerator } from '@lib/event-sourcing';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { installHttpPipeline } from './common/http-pipeline';
import { setupOpenApi } from './common/openapi';
import type { AppConfig } from './config/app-config';
import { openEventStore } from './event-store/open-event-store';
import { connectGrpc } from './grpc/grpc-transport';
import { systemClock, uuidGenerator } from './event-store/system-clock';
import { createLogger, PinoNestLogger } from './logging/logger';
import { HttpMetrics } from './metrics/http-metrics';
import { DtoValidationPipe } from './problem/validation';

export interface PolicyApiOverrides {
  /** Tests pin the business date with their own clock. */
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  /**
   * Caps the embedded event store's file at this many pages (SQLite `max_page_count`), so tests can fill the "disk"
   * without root (see openEventStore).
   */
  readonly sqliteMaxPageCount?: number;
}

/**
 * Builds the app (not yet listening): opens the configured event store, wires Nest, the HTTP metrics, the HTTP
 * pipeline (correlation id, content type, 256 KiB JSON bodies, problem+json), validation, the OpenAPI document, and the
 * gRPC transport on GRPC_PORT (bound by `app.startAllMicroservices()`; REST-only callers simply never start it).
 * Used by main.ts, the e2e tests and the benchmark.
 */
export async function createPolicyApi(
  config: AppConfig,
  overrides: PolicyApiOverrides = {},
): Promise<NestExpressApplication> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const eventStore = await openEventStore(config, { logger, sqliteMaxPageCount: overrides.sqliteMaxPageCount });
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        config,
        eventStore,
        clock: overrides.clock ?? systemClock,
        ids: overrides.ids ?? uuidGenerator,
        logger,
      }),
      { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
    );
    app.disable('x-powered-by');
    // Our ETag is the stream revision; Express must not add its own content hashes.
    app.set('etag', false);
    // First, so responses the pipeline gives itself (415, 413, malformed JSON) are counted too.
    app.use(app.get(HttpMetrics).middleware);
    installHttpPipeline(app, logger);
    app.useGlobalPipes(new DtoValidationPipe());
    setupOpenApi(app);
    connectGrpc(app, config);
    return app;
  } catch (error) {
    await eventStore.store.close();
    throw error;
  }
}
