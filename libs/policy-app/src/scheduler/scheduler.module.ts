import { Module } from '@nestjs/common';
import type { EventStore } from '@lib/event-sourcing';
import { EVENT_STORE } from '../event-store/tokens';
import { ReadModelConnection } from '../projections/read-model-connection';
import { ReadModelCatchUp } from './read-model-catch-up';
import { SchedulerTimer } from './scheduler-timer';
import { ServicingDay } from './servicing-day';

/**
 * Time-driven servicing (DESIGN 6): the servicing day, on demand (policyctl run-day) and on the daily timer. It reads
 * the process's read-model connection (ProjectionsModule) and writes only through the command bus.
 */
@Module({
  providers: [
    {
      provide: ReadModelCatchUp,
      inject: [EVENT_STORE, ReadModelConnection],
      useFactory: (store: EventStore, readModels: ReadModelConnection) =>
        new ReadModelCatchUp(store, () => readModels.store()),
    },
    ServicingDay,
    SchedulerTimer,
  ],
  exports: [ServicingDay, ReadModelCatchUp],
})
export class SchedulerModule {}
