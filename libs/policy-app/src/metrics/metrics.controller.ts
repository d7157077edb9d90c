import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PROMETHEUS_CONTENT_TYPE } from '@lib/worker-runtime';
import { PublicRoute } from '../auth/permission.decorator';
import { ApiProblems } from '../common/openapi';
import { METRICS_READER_ROLES, MetricsAccessGuard } from './metrics-access.guard';
import { MetricsService } from './metrics.service';

const EXAMPLE = [
  '# HELP policy_api_commands_total Commands handled, by command type and outcome …',
  '# TYPE policy_api_commands_total counter',
  'policy_api_commands_total{command="IssuePolicy",outcome="created"} 1',
  'policy_api_commands_total{command="LapsePolicy",outcome="rejected",code="GRACE_PERIOD_NOT_OVER"} 1',
].join('\n');

/**
 * Prometheus metrics (DESIGN 7). The global API-key guard steps aside (PublicRoute) and MetricsAccessGuard decides,
 * because the answer depends on METRICS_PUBLIC and on a role set of its own.
 */
@ApiTags('operations')
@Controller('metrics')
@PublicRoute()
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(private readonly service: MetricsService) {}

  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: `Prometheus metrics (${METRICS_READER_ROLES.join(', ')}; no key when METRICS_PUBLIC=true)`,
    description:
      'Prometheus text exposition format 0.0.4: HTTP requests by method, route template and status (counter and ' +
      'latency histogram), gRPC calls by method and status code, command outcomes by command type, event-store ' +
      "readiness, the read models' checkpoint and lag, the embedded projection's state, and the process's runtime " +
      'metrics (CPU, memory, heap, event-loop lag, GC: the standard process_* and nodejs_* families). ' +
      `Requires an API key with role ${METRICS_READER_ROLES.join(', ')}, unless the server runs with ` +
      'METRICS_PUBLIC=true (scrapers inside a private network), when no key is needed.',
  })
  @ApiProduces(PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'The metrics as Prometheus text',
    content: { [PROMETHEUS_CONTENT_TYPE]: { schema: { type: 'string', example: EXAMPLE } } },
  })
  @ApiProblems(401, 403)
  metrics(): Promise<string> {
    return this.service.scrape();
  }
}
