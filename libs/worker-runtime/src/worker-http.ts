/** GET /health (JSON; 200 or 503) and GET /metrics (Prometheus text) on a plain node:http server. */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

interface HealthAnswer {
  readonly healthy: boolean;
  readonly body: object;
}

interface WorkerHttpRoutes {
  health(): HealthAnswer;
  metrics(): string;
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
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(routes.metrics());
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

/** Prometheus exposition lines for counters and gauges: `# TYPE name kind` then `name value`. */
export function prometheusText(
  metrics: readonly {
    readonly name: string;
    readonly kind: 'counter' | 'gauge';
    readonly help: string;
    readonly value: number;
  }[],
): string {
  return (
    metrics
      .map(({ name, kind, help, value }) => `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n${name} ${value}`)
      .join('\n') + '\n'
  );
}
