import { RequestMethod } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import { DEFAULT_PAGE_LIMIT } from '@lib/read-models';
import { DEFAULT_EVENTS_PAGE } from '../policies/get-policy-events/get-policy-events.dto';
import { MAX_READ_PAGE_ROWS } from './read-limits-config';

export interface ExpensiveRestRead extends RouteInfo {
  /** The page size when the request names no `limit`: what the read costs then. */
  readonly defaultRows: number;
}

/**
 * The expensive REST reads (pages of up to 1,000 rows): every report, the product list and the policy history. The
 * read-limit middleware runs on these routes and the OpenAPI document lists their 429; their gRPC twins (ReportService,
 * PolicyQueryService.GetPolicyHistory and ListProducts) carry @ExpensiveGrpcRead.
 */
export const EXPENSIVE_REST_READS: readonly ExpensiveRestRead[] = [
  { path: 'v1/reports/*path', method: RequestMethod.GET, defaultRows: DEFAULT_PAGE_LIMIT },
  { path: 'v1/policies/:id/events', method: RequestMethod.GET, defaultRows: DEFAULT_EVENTS_PAGE },
  { path: 'v1/products', method: RequestMethod.GET, defaultRows: DEFAULT_PAGE_LIMIT },
];

/**
 * The rows a read asks for: its `limit` (query text or message number) within 1–1000, else the default. Read before
 * validation, so anything that is not such a number costs the default (and is refused as a 400 afterwards anyway).
 */
export function requestedRows(limit: unknown, defaultRows: number): number {
  const value = typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : limit;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_READ_PAGE_ROWS
    ? value
    : defaultRows;
}

/** A route path as a pattern over OpenAPI paths: `:id` matches `{id}`, a `*name` wildcard any rest. */
function openApiPattern(routePath: string): RegExp {
  const pattern = routePath
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return `\\{${segment.slice(1)}\\}`;
      if (segment.startsWith('*')) return '.+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^/${pattern}$`);
}

const OPENAPI_PATTERNS = EXPENSIVE_REST_READS.map((route) => openApiPattern(route.path));

/** Whether a GET of this OpenAPI path (e.g. `/v1/policies/{id}/events`) is an expensive read. */
export function isExpensiveReadPath(openApiPath: string): boolean {
  return OPENAPI_PATTERNS.some((pattern) => pattern.test(openApiPath));
}
