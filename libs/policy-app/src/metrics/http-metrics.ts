import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ApiRequest } from '../common/api-request';
import { METRICS_REGISTRY } from './metrics-registry';

/** Seconds; from a cached read (~1 ms) to a slow PostgreSQL report or a store timeout. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The route label of requests answered without reaching a Nest route: unknown paths (404), the OpenAPI UI's assets,
 * and bodies refused before routing (413, 415, malformed JSON).
 */
export const UNROUTED = 'unrouted';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

type RequestLabels = 'method' | 'route' | 'status';
type DurationLabels = 'method' | 'route' | 'status_class';

interface ResponseSeries {
  readonly requests: Counter.Internal;
  readonly duration: Histogram.Internal<DurationLabels>;
}

/**
 * REST requests by method, route template (`/v1/policies/:id/lapses`, never the raw URL: ids would make the label
 * set unbounded) and status. Each request costs one `finish` listener (the same function for every request, no
 * closure), three map lookups, a counter increment and a histogram observation: the label children are resolved
 * once per label set and kept.
 */
@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<RequestLabels>;
  private readonly duration: Histogram<DurationLabels>;
  /** route → method → status → series. */
  private readonly seriesByRoute = new Map<string, Map<string, Map<number, ResponseSeries>>>();

  /** Express middleware; install it before anything that may answer a request, so every response is counted. */
  readonly middleware: (request: Request, response: Response, next: NextFunction) => void;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = new Counter({
      name: 'policy_api_http_requests_total',
      help: `HTTP requests answered, by method, route template ("${UNROUTED}" when no route was reached) and status code.`,
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'policy_api_http_request_duration_seconds',
      help: 'Time from the arrival of an HTTP request to its last response byte, by method, route template and status class.',
      labelNames: ['method', 'route', 'status_class'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    });
    const record = (request: ApiRequest, status: number): void => {
      const route: unknown = request.route?.path;
      // receivedAt is stamped by the HTTP pipeline's first middleware, which runs for every request.
      const seconds =
        typeof request.receivedAt === 'bigint' ? Number(process.hrtime.bigint() - request.receivedAt) / 1e9 : 0;
      this.record(request.method, typeof route === 'string' ? route : UNROUTED, status, seconds);
    };
    function onFinish(this: Response): void {
      record(this.req as ApiRequest, this.statusCode);
    }
    this.middleware = (_request, response, next) => {
      response.on('finish', onFinish);
      next();
    };
  }

  record(method: string, route: string, status: number, seconds: number): void {
    const series = this.seriesOf(METHODS.has(method) ? method : 'OTHER', route, status);
    series.requests.inc();
    series.duration.observe(seconds);
  }

  private seriesOf(method: string, route: string, status: number): ResponseSeries {
    let byMethod = this.seriesByRoute.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.seriesByRoute.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = {
        requests: this.requests.labels({ method, route, status: String(status) }),
        duration: this.duration.labels({
          method,
          route,
          status_class: STATUS_CLASSES[Math.floor(status / 100) - 1] ?? 'other',
        }),
      };
      byStatus.set(status, series);
    }
    return series;
  }
}
