import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthService } from './auth/auth.service';
import { CommandRunner } from './common/command-runner';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { FeedHealth } from './health/feed-health';
import { IdempotencyService } from './idempotency/idempotency.service';
import { LOGGER } from './logging/logger';

/**
 * Configuration, logger, auth, idempotency, the command runner and the health of the background feeds: shared by every
 * feature module and transport.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        AuthService,
        IdempotencyService,
        CommandRunner,
        FeedHealth,
      ],
      exports: [APP_CONFIG, LOGGER, AuthService, IdempotencyService, CommandRunner, FeedHealth],
    };
  }
}
