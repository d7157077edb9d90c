/**
 * The scheduler's own small HTTP server: it has no API, only what a supervisor needs — liveness, readiness (a
 * container health check) and Prometheus metrics (DESIGN 7), on HTTP_HOST:HTTP_PORT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE } from '@lib/worker-runtime';

export interface Readiness {
  readonly ready: boolean;
  readonly body: object;
}

interface SchedulerHttpRoutes {
  /** GET /health/ready and /health: 200 when ready, else 503. */
  readiness(): Promise<Readiness>;
  /** GET /metrics: Prometheus text exposition. */
  metrics(): Promise<string>;
}

interface SchedulerHttpServer {
  /** `http://host:port` as bound. */
  readonly url: string;
  close(): Promise<void>;
}

function json(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function answer(routes: SchedulerHttpRoutes, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  switch ((request.url ?? '/').split('?', 1)[0]) {
    case '/health/live':
      json(response, 200, { status: 'ok' });
      return;
    case '/health':
    case '/health/ready': {
      const { ready, body } = await routes.readiness();
      json(response, ready ? 200 : 503, body);
      return;
    }
    case '/metrics':
      response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
      response.end(await routes.metrics());
      return;
    default:
      json(response, 404, { status: 404, title: 'Not Found' });
  }
}

export async function startSchedulerHttp(
  host: string,
  port: number,
  routes: SchedulerHttpRoutes,
): Promise<SchedulerHttpServer> {
  const server = createServer((request, response) => {
    answer(routes, request, response).catch(() => {
      if (!response.headersSent) json(response, 503, { status: 'unavailable' });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const authority = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${authority}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
