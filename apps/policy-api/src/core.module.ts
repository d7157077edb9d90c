import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthService } from './auth/auth.service';
import { CommandRunner } from './common/command-runner';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { IdempotencyService } from './idempotency/idempotency.service';
import { LOGGER } from './logging/logger';

/** Configuration, logger, auth, idempotency and the command runner: shared by every feature module and transport. */
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
      ],
      exports: [APP_CONFIG, LOGGER, AuthService, IdempotencyService, CommandRunner],
    };
  }
}
