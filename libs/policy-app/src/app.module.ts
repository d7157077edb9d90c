import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Clock, IdGenerator } from '@lib/event-sourcing';
import type { Logger } from 'pino';
import { AgentsModule } from './agents/agents.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { WhoAmIController } from './auth/whoami.controller';
import type { AppConfig } from './config/app-config';
import { EventStoreModule } from './event-store/event-store.module';
import type { OpenedEventStore } from './event-store/open-event-store';
import { GrpcModule } from './grpc/grpc.module';
import { OperationsModule } from './operations/operations.module';
import { OrphansModule } from './orphans/orphans.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { HealthController } from './health/health.controller';
import { MetricsModule } from './metrics/metrics.module';
import { PoliciesModule } from './policies/policies.module';
import { ProductsModule } from './products/products.module';
import { ProjectionsModule } from './projections/projections.module';
import { ReportsModule } from './reports/reports.module';
import { ProblemFilter } from './problem/problem.filter';
import { CoreModule } from './core.module';

interface AppModuleOptions {
  readonly config: AppConfig;
  readonly eventStore: OpenedEventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(options.eventStore, options.clock, options.ids),
        CoreModule.forRoot(options.config, options.logger),
        OperationsModule,
        PoliciesModule,
        AgentsModule,
        ProductsModule,
        ProjectionsModule,
        ReportsModule,
        GrpcModule,
        SchedulerModule,
        OrphansModule,
        MetricsModule,
      ],
      controllers: [HealthController, WhoAmIController],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
