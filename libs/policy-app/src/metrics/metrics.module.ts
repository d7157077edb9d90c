import { Module } from '@nestjs/common';
import { CommandMetrics } from './command-metrics';
import { GrpcMetrics } from './grpc-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { ProcessMetrics } from './process-metrics';

/**
 * Prometheus metrics at GET /metrics (DESIGN 7). The recorders are per app instance (no module-level registry), so
 * two apps in one process (the tests) count separately. HttpMetrics' middleware and GrpcMetrics' interceptor are
 * installed by app.factory and connectGrpc; CommandMetrics wraps the command bus at start-up.
 */
@Module({
  controllers: [MetricsController],
  providers: [HttpMetrics, GrpcMetrics, CommandMetrics, ProcessMetrics, MetricsService, MetricsAccessGuard],
  exports: [HttpMetrics, GrpcMetrics],
})
export class MetricsModule {}
