/**
 * The apps as real child processes: started from their TypeScript sources (swc-register.js), JSON logs captured,
 * stopped with SIGTERM (graceful) or SIGKILL (a crash: nothing after the kill happens, no commit, no checkpoint).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseExposition, type ParsedExposition } from '@lib/worker-runtime/testing';

const REPO_ROOT = resolve(__dirname, '../../..');
type AppName = 'policy-api' | 'event-relay' | 'projector';

const READY_MESSAGE: Readonly<Record<AppName, RegExp>> = {
  'policy-api': /^policy-api listening on http:\/\/127\.0\.0\.1:(\d+)/,
  'event-relay': /^event-relay started/,
  projector: /^projector started/,
};

interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly [field: string]: unknown;
}

export interface ChildApp {
  readonly name: AppName;
  /** The HTTP port (/health, /metrics; the REST API for policy-api). */
  readonly port: number;
  readonly logs: LogLine[];
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies at once, whatever it was doing. */
  kill(): Promise<void>;
  /** GET a path of its HTTP server. */
  get(path: string): Promise<Response>;
  /** Its GET /metrics, read by the strict parser (the API's needs METRICS_PUBLIC=true). */
  scrape(): Promise<ParsedExposition>;
  /** The unlabelled samples of its GET /metrics, by name. */
  metrics(): Promise<Record<string, number>>;
}

/** A port that was free a moment ago (for GRPC_PORT, which cannot be 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export async function startChildApp(name: AppName, env: Record<string, string>, timeoutMs = 45_000): Promise<ChildApp> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', join(__dirname, 'swc-register.js'), join(REPO_ROOT, 'apps', name, 'src', 'main.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_OPTIONS: '--disable-warning=TimeoutNegativeWarning',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  let buffered = '';
  let ready: ((port: number) => void) | undefined;
  const readyPort = new Promise<number>((resolveReady) => {
    ready = resolveReady;
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        parsed = { msg: line };
      }
      logs.push(parsed);
      const match = parsed.msg === undefined ? null : READY_MESSAGE[name].exec(parsed.msg);
      if (match) ready?.(name === 'policy-api' ? Number(match[1]) : Number(parsed.httpPort));
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  let timer: NodeJS.Timeout | undefined;
  const port = await Promise.race([
    readyPort,
    exited.then((code) => {
      throw new Error(
        `${name} exited with ${code} during start-up:\n${stderr.join('')}\n${JSON.stringify(logs.slice(-10))}`,
      );
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `${name} not ready within ${timeoutMs} ms:\n${stderr.join('')}\n${JSON.stringify(logs.slice(-10))}`,
          ),
        );
      }, timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));

  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
  const scrape = async () => {
    const response = await get('/metrics');
    if (response.status !== 200) throw new Error(`${name} GET /metrics → ${response.status}: ${await response.text()}`);
    return parseExposition(await response.text());
  };
  return {
    name,
    port,
    logs,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    get,
    scrape,
    metrics: async () => {
      const parsed = await scrape();
      const samples = [...parsed.families.values()].flatMap((family) => family.samples);
      return Object.fromEntries(
        samples.filter((sample) => Object.keys(sample.labels).length === 0).map(({ name, value }) => [name, value]),
      );
    },
  };
}
