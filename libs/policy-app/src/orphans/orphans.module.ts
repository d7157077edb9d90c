import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Clock, EventStore, IdGenerator } from '@lib/event-sourcing';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CLOCK, EVENT_STORE, ID_GENERATOR } from '../event-store/tokens';
import { FeedHealth } from '../health/feed-health';
import { LOGGER } from '../logging/logger';
import { ReadModelCatchUp } from '../scheduler/read-model-catch-up';
import { EmbeddedProjector } from '../projections/embedded-projector';
import { ReadModelConnection } from '../projections/read-model-connection';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { OrphanReassignmentProcess, type OrphanReassignmentDeps } from './orphan-reassignment.process';

/** Everything the process manager needs from the app, for this module and for tests that drive it themselves. */
@Injectable()
export class OrphanReassignmentDependencies {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly catchUp: ReadModelCatchUp,
    private readonly readModels: ReadModelConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly projector: EmbeddedProjector,
  ) {}

  deps(): OrphanReassignmentDeps {
    return {
      store: this.store,
      // With the embedded projection in its worker thread, that thread searches the log for the trigger events.
      subscribe: this.projector.workerSubscriptions,
      send: (command) => this.commandBus.execute(command),
      readModels: () => this.readModels.store(),
      catchUp: this.catchUp,
      clock: this.clock,
      ids: this.ids,
      logger: this.logger,
      catchUpTimeoutMs: this.config.scheduler.catchUpTimeoutMs,
    };
  }
}

/**
 * Runs the process manager in this process when ORPHAN_REASSIGNMENT_ENABLED (embedded mode; apps/scheduler); a process
 * that stops for good shows in readiness (FeedHealth).
 */
@Injectable()
class OrphanReassignmentRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private process: OrphanReassignmentProcess | undefined;

  constructor(
    private readonly dependencies: OrphanReassignmentDependencies,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly feedHealth: FeedHealth,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.orphanReassignmentEnabled) return;
    this.process = new OrphanReassignmentProcess({
      ...this.dependencies.deps(),
      onFailed: (reason) => this.feedHealth.failed('orphanReassignment', reason),
    });
    this.process.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.process?.stop();
  }
}

@Module({
  imports: [SchedulerModule],
  providers: [OrphanReassignmentDependencies, OrphanReassignmentRunner],
  exports: [OrphanReassignmentDependencies],
})
export class OrphansModule {}
