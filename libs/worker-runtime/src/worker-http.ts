/** GET /health (JSON; 200 or 503) and GET /metrics (Prometheus text) on a plain node:http server. */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE } from './metrics';

interface HealthAnswer {
  readonly healthy: boolean;
  readonly body: object;
}

interface WorkerHttpRoutes {
  health(): HealthAnswer;
  /** The Prometheus text exposition (a registry's `metrics()`). */
  metrics(): Promise<string>;
}

export interface WorkerHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startWorkerHttp(port: number, routes: WorkerHttpRoutes): Promise<WorkerHttpServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/health') {
      const answer = routes.health();
      response
        .writeHead(answer.healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.body));
      return;
    }
    if (path === '/metrics') {
      routes.metrics().then(
        (text) =>
          response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(text),
        () =>
          response
            .writeHead(500, { 'content-type': 'application/json' })
            .end('{"status":500,"title":"Internal Server Error"}'),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404,"title":"Not Found"}');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
