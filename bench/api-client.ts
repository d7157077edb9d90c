/** Bench helper: a keep-alive HTTP/1.1 client on node:http (one socket per concurrent client). */
import * as http from 'node:http';

interface ClientResponse {
  readonly status: number;
}

export class KeepAliveClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, sockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<ClientResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers:
            body === undefined
              ? headers
              : { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.once('end', () => resolve({ status: response.statusCode ?? 0 }));
          response.once('error', reject);
        },
      );
      request.once('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
