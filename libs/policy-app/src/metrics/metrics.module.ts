import { Module } from '@nestjs/common';
import { CommandMetrics } from './command-metrics';
import { GrpcMetrics } from './grpc-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { metricsRegistryProvider } from './metrics-registry';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics at GET /metrics (DESIGN 7), with prom-client. The registry and the recorders are per app instance
 * (no module-level registry), so two apps in one process (the tests) count separately; the process's runtime
 * metrics are shared. HttpMetrics' middleware and GrpcMetrics' interceptor are installed by app.factory and
 * connectGrpc; CommandMetrics wraps the command bus at start-up.
 */
@Module({
  controllers: [MetricsController],
  providers: [metricsRegistryProvider, HttpMetrics, GrpcMetrics, CommandMetrics, MetricsService, MetricsAccessGuard],
  exports: [HttpMetrics, GrpcMetrics],
})
export class MetricsModule {}
