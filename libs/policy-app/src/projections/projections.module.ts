import { Global, Module } from '@nestjs/common';
import { CatchUpReporter } from './catch-up';
import { EmbeddedProjector } from './embedded-projector';
import { ReadModelConnection } from './read-model-connection';

/**
 * The read models in the API process: the store connection (for reports and the scheduler's queries), the lag
 * against the event log, and in embedded mode (no KAFKA_BROKERS) the in-process projection feed.
 */
@Global()
@Module({
  providers: [ReadModelConnection, CatchUpReporter, EmbeddedProjector],
  exports: [ReadModelConnection, CatchUpReporter, EmbeddedProjector],
})
export class ProjectionsModule {}
