import { Global, Inject, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EXPENSIVE_REST_READS } from './expensive-reads';
import { GrpcReadLimitInterceptor } from './grpc-read-limit';
import { ReadLimiter } from './read-limiter';
import { readLimitMiddleware } from './read-limit.middleware';

/**
 * Per-key limits on expensive reads (READ_LIMIT_*): one ReadLimiter shared by the REST middleware and the gRPC
 * interceptor, so a key's REST and gRPC reads count together. Global, so the gRPC controllers can use the
 * interceptor without importing this module.
 */
@Global()
@Module({
  providers: [
    {
      provide: ReadLimiter,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ReadLimiter(config.readLimits),
    },
    GrpcReadLimitInterceptor,
  ],
  exports: [ReadLimiter, GrpcReadLimitInterceptor],
})
export class LimitsModule implements NestModule {
  constructor(
    @Inject(ReadLimiter) private readonly limiter: ReadLimiter,
    private readonly auth: AuthService,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    for (const read of EXPENSIVE_REST_READS) {
      consumer.apply(readLimitMiddleware(this.limiter, this.auth, read)).forRoutes(read);
    }
  }
}
