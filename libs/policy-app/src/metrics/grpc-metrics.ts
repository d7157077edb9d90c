import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { ServerInterceptingCall, status as GrpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from './http-metrics';
import { METRICS_REGISTRY } from './metrics-registry';

type CallLabels = 'service' | 'method' | 'code';
type DurationLabels = 'service' | 'method';

/** Status code → its name (`OK`, `INVALID_ARGUMENT`, …): the numeric enum's reverse mapping. */
function codeName(code: number): string {
  const name: unknown = (GrpcStatus as unknown as Record<number, unknown>)[code];
  return typeof name === 'string' ? name : 'UNKNOWN';
}

class MethodSeries {
  private readonly callsByCode = new Map<number, Counter.Internal>();

  constructor(
    private readonly calls: Counter<CallLabels>,
    private readonly labels: { readonly service: string; readonly method: string },
    readonly duration: Histogram.Internal<DurationLabels>,
  ) {}

  completed(code: number, seconds: number): void {
    let calls = this.callsByCode.get(code);
    if (calls === undefined) {
      calls = this.calls.labels({ ...this.labels, code: codeName(code) });
      this.callsByCode.set(code, calls);
    }
    calls.inc();
    this.duration.observe(seconds);
  }
}

/**
 * gRPC calls by service, method and status code, counted where grpc-js sends the status (a server interceptor), so
 * every call is seen: refused by the auth guard, failed validation, our services, health and reflection.
 */
@Injectable()
export class GrpcMetrics {
  private readonly calls: Counter<CallLabels>;
  private readonly duration: Histogram<DurationLabels>;
  /** By the method's path, `/policy.v1.PolicyCommandService/IssuePolicy` (only registered methods get here). */
  private readonly seriesByPath = new Map<string, MethodSeries>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.calls = new Counter({
      name: 'policy_api_grpc_server_handled_total',
      help: 'gRPC calls completed, by service, method and status code.',
      labelNames: ['service', 'method', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'policy_api_grpc_server_handling_seconds',
      help: 'Time from the start of a gRPC call to its status, by service and method.',
      labelNames: ['service', 'method'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    });
  }

  /** For grpc-js `ServerOptions.interceptors`. */
  readonly interceptor: ServerInterceptor = (method, call) => {
    const series = this.seriesOf(method.path);
    const startedAt = performance.now();
    return new ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        series.completed(status.code, (performance.now() - startedAt) / 1000);
        next(status);
      },
    });
  };

  record(path: string, code: number, seconds: number): void {
    this.seriesOf(path).completed(code, seconds);
  }

  private seriesOf(path: string): MethodSeries {
    let series = this.seriesByPath.get(path);
    if (series === undefined) {
      const [, service = 'unknown', method = path] = /^\/([^/]+)\/([^/]+)$/.exec(path) ?? [];
      series = new MethodSeries(this.calls, { service, method }, this.duration.labels({ service, method }));
      this.seriesByPath.set(path, series);
    }
    return series;
  }
}
