/** Bench helper: runs the built policy-api (dist) in a child process on a free port and a fresh data dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

interface ApiServer {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly pid: number;
  /** CPU seconds (user + system) the server process has used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  /** CPU seconds of its main thread alone (the event loop serving the requests); NaN off Linux. */
  mainThreadCpuSeconds(): number;
  stop(): Promise<void>;
}

/** CPU seconds of the process (all its threads), or of one thread of it with `thread` (Linux /proc; NaN elsewhere). */
function processCpuSeconds(pid: number, thread?: number): number {
  try {
    const stat = fs.readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5) (utime, stime), counted after the command name: indexes 11 and 12 here.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

export async function startApiServer(options: {
  apiKeys: string;
  logLevel: string;
  mainJs: string;
  /** Extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when it stops). */
  nodeArgs?: readonly string[];
}): Promise<ApiServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-api-bench-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), options.mainJs], {
    env: {
      ...process.env,
      HTTP_PORT: String(port),
      DATA_DIR: dataDir,
      API_KEYS: options.apiKeys,
      LOG_LEVEL: options.logLevel,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`policy-api exited with code ${child.exitCode} during start-up`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('policy-api did not become healthy within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    dataDir,
    pid: child.pid!,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    // The main thread's task id is the process id.
    mainThreadCpuSeconds: () => processCpuSeconds(child.pid!, child.pid!),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
