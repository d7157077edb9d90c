/**
 * REST throughput of the embedded mode (DESIGN 7: benchmarks print figures, tests never assert timings).
 *
 *   npm run bench:api          BENCH_CLIENTS=32 BENCH_SECONDS=15 BENCH_LOG_LEVEL=warn by default
 *   BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench:api    profiles the server process
 *
 * Starts the built policy-api (dist) in a child process on a fresh data dir, then N concurrent keep-alive clients
 * (node:http with a keep-alive agent: about half the client CPU of fetch/undici, which matters when client and
 * server share two cores) run a mixed servicing workload for BENCH_SECONDS: each client issues a policy, then cycles
 * premium payment → contract change → premium reminder → GET policy on it (a fresh policy every 12 commands, so
 * streams stay realistic). Every command is a durable append (fsync'd group commit). Then the same clients call the
 * authenticated no-op route GET /v1/whoami for the same time: the framework's own ceiling on this server.
 * During the mix it scrapes /metrics every BENCH_LAG_SAMPLE_MS (250) for the read models' lag behind the log
 * (`policy_api_read_model_lag_seconds`: the age of the oldest event not yet projected) and prints its p50/p99/max.
 */
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApiServer } from './api-server';
import { KeepAliveClient } from './api-client';
import { format, LatencyRecorder } from './api-stats';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
/** Runs only the servicing mix (e.g. while profiling it). */
const SKIP_NO_OP = process.env.BENCH_SKIP_NO_OP === '1';
const LAG_SAMPLE_MS = Number(process.env.BENCH_LAG_SAMPLE_MS ?? 250);
const SECRET = `bench-${randomUUID()}`;
const AUTH = { Authorization: `Bearer ${SECRET}` };
const COMMANDS_PER_POLICY = 12;
const today = new Date().toISOString().slice(0, 10);

interface Phase {
  readonly name: string;
  serverCpuSeconds: number;
  serverMainThreadCpuSeconds: number;
  clientCpuSeconds: number;
  readonly commands: LatencyRecorder;
  readonly reads: LatencyRecorder;
  readonly failures: Map<string, number>;
  /** The read models' lag behind the log (ms), sampled from /metrics while measuring. */
  readonly projectionLag: LatencyRecorder;
  measuring: boolean;
}

function newPhase(name: string): Phase {
  return {
    name,
    serverCpuSeconds: NaN,
    serverMainThreadCpuSeconds: NaN,
    clientCpuSeconds: NaN,
    commands: new LatencyRecorder(),
    reads: new LatencyRecorder(),
    failures: new Map(),
    projectionLag: new LatencyRecorder(),
    measuring: false,
  };
}

function issueBody(policyId: string): object {
  return {
    policyId,
    productCode: 'ENDOW-40',
    currency: 'CNY',
    policyholder: {
      name: 'Bench Holder',
      gender: 'M',
      birthDate: '1980-05-20',
      idType: 'ID_CARD',
      idNumber: `H${policyId}`,
    },
    insured: {
      name: 'Bench Insured',
      gender: 'F',
      birthDate: '1982-03-02',
      idType: 'ID_CARD',
      idNumber: `I${policyId}`,
    },
    beneficiaries: [{ name: 'Bench Child', relationship: 'CHILD', order: 1, sharePercent: 100 }],
    sumAssured: { amount: 100_000_000, currency: 'CNY' },
    premium: {
      modalPremium: { amount: 250_000, currency: 'CNY' },
      frequency: 'ANNUAL',
      paymentTermYears: 40,
      paymentMethod: { type: 'BANK_DEBIT' },
    },
    // From today: the installments the mix pays are advance payments of a policy in force (one issued decades ago
    // would be suspended by law, and its premiums refused).
    effectiveDate: today,
    maturityDate: `${Number(today.slice(0, 4)) + 40}${today.slice(4)}`,
    servicing: { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-BENCH' },
  };
}

let client: KeepAliveClient;
let baseUrl: string;

const LAG_GAUGE = /^policy_api_read_model_lag_seconds (\S+)$/m;

/** Samples the projection lag from /metrics (its own connection) until `until()`; a scrape that fails is skipped. */
async function sampleProjectionLag(phase: Phase, until: () => boolean): Promise<void> {
  while (!until()) {
    const started = performance.now();
    try {
      const response = await fetch(`${baseUrl}/metrics`, { headers: AUTH });
      const lag = LAG_GAUGE.exec(await response.text());
      if (phase.measuring && lag !== null) phase.projectionLag.record(Number(lag[1]) * 1000);
    } catch {
      // the sample is skipped
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, LAG_SAMPLE_MS - (performance.now() - started))));
  }
}

async function timed(
  phase: Phase,
  kind: 'commands' | 'reads',
  method: string,
  url: string,
  body: object | undefined,
  expected: number,
): Promise<void> {
  const started = performance.now();
  const response = await client.request(method, url, AUTH, body === undefined ? undefined : JSON.stringify(body));
  const elapsed = performance.now() - started;
  if (!phase.measuring) return;
  if (response.status !== expected) {
    const key = `${method} ${url.replace(/\/v1\/policies\/[^/]+/, '/v1/policies/{id}')} → ${response.status}`;
    phase.failures.set(key, (phase.failures.get(key) ?? 0) + 1);
    return;
  }
  phase[kind].record(elapsed);
}

/** One client: its own policies, so its commands never conflict with another client's. */
async function servicingClient(clientNo: number, phase: Phase, until: () => boolean): Promise<void> {
  for (let policyNo = 0; !until(); policyNo++) {
    const policyId = `B${clientNo.toString(36).toUpperCase()}-${policyNo}-${randomUUID().slice(0, 8).toUpperCase()}`;
    const policyUrl = `/v1/policies/${policyId}`;
    await timed(phase, 'commands', 'POST', '/v1/policies', issueBody(policyId), 201);
    let nextInstallment = 2;
    for (let step = 1; step < COMMANDS_PER_POLICY && !until(); step++) {
      switch (step % 3) {
        case 1:
          await timed(
            phase,
            'commands',
            'POST',
            `${policyUrl}/premium-payments`,
            {
              installmentNo: nextInstallment,
              amount: { amount: 250_000, currency: 'CNY' },
              paidOn: today,
              receiptNo: `R-${nextInstallment}`,
            },
            201,
          );
          nextInstallment++;
          break;
        case 2:
          await timed(
            phase,
            'commands',
            'POST',
            `${policyUrl}/contract-changes`,
            {
              effectiveDate: today,
              changes: [{ kind: 'CONTACT', phone: `+86 138 ${String(step).padStart(4, '0')} 0000` }],
            },
            201,
          );
          break;
        default:
          await timed(
            phase,
            'commands',
            'POST',
            `${policyUrl}/premium-reminders`,
            { installmentNo: nextInstallment, kind: 'PRE_DUE', channel: 'SMS', sentOn: today },
            201,
          );
          await timed(phase, 'reads', 'GET', policyUrl, undefined, 200);
      }
    }
  }
}

async function noOpClient(phase: Phase, until: () => boolean): Promise<void> {
  while (!until()) await timed(phase, 'reads', 'GET', '/v1/whoami', undefined, 200);
}

async function runPhase(
  phase: Phase,
  cpuSeconds: { (): number; mainThread(): number },
  client: (clientNo: number, until: () => boolean) => Promise<void>,
  sampleLag = false,
): Promise<number> {
  let stop = false;
  const until = () => stop;
  const clients = Array.from({ length: CLIENTS }, (_, clientNo) => client(clientNo, until));
  if (sampleLag) clients.push(sampleProjectionLag(phase, until));
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_SECONDS * 1000));
  phase.measuring = true;
  const cpuAtStart = cpuSeconds();
  const mainThreadCpuAtStart = cpuSeconds.mainThread();
  const clientCpuAtStart = process.cpuUsage();
  const started = performance.now();
  let lastCount = 0;
  const progress = setInterval(() => {
    const count = phase.commands.count + phase.reads.count;
    const elapsed = (performance.now() - started) / 1000;
    process.stdout.write(
      `  ${phase.name}: ${format(elapsed, 0)}/${SECONDS} s, ${count} requests (${count - lastCount}/s)\n`,
    );
    lastCount = count;
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  phase.measuring = false;
  const seconds = (performance.now() - started) / 1000;
  phase.serverCpuSeconds = cpuSeconds() - cpuAtStart;
  phase.serverMainThreadCpuSeconds = cpuSeconds.mainThread() - mainThreadCpuAtStart;
  const clientCpu = process.cpuUsage(clientCpuAtStart);
  phase.clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
  clearInterval(progress);
  stop = true;
  await Promise.all(clients);
  return seconds;
}

function printFailures(phase: Phase): void {
  for (const [key, count] of phase.failures) process.stdout.write(`  unexpected: ${key} × ${count}\n`);
}

async function main(): Promise<void> {
  const mainJs = path.resolve(__dirname, '../apps/policy-api/src/main.js');
  process.stdout.write(
    `policy-api REST benchmark: ${CLIENTS} clients, ${SECONDS} s per phase (+${WARM_UP_SECONDS} s warm-up), LOG_LEVEL=${LOG_LEVEL}\n`,
  );
  const server = await startApiServer({
    apiKeys: `bench:${SECRET}:admin`,
    logLevel: LOG_LEVEL,
    mainJs,
    nodeArgs: SERVER_NODE_ARGS,
  });
  process.stdout.write(`server pid ${server.pid} at ${server.baseUrl}, data dir ${server.dataDir}\n`);
  baseUrl = server.baseUrl;
  client = new KeepAliveClient(server.baseUrl, CLIENTS);
  try {
    // IssuePolicy needs an active servicing agent (DESIGN 2.5): the one every benchmark policy names.
    const agent = { agentId: 'AG-BENCH', name: 'Bench Agent', role: 'SERVICING', branchCode: 'SH-001', region: 'EAST' };
    const registered = await client.request('POST', '/v1/agents', AUTH, JSON.stringify(agent));
    if (registered.status !== 201) throw new Error(`RegisterAgent answered ${registered.status}, expected 201`);
    // And a published product (DESIGN 2.8).
    const product = {
      name: 'Bench endowment',
      kind: 'ENDOWMENT',
      jurisdiction: 'CN',
      currency: 'CNY',
      freeLook: { days: 15, costDeduction: { amount: 0, currency: 'CNY' } },
      grace: { noticeShortensGrace: false },
      cashValuePpm: [0, 30_000, 65_000],
      automaticPremiumLoan: false,
      nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
    };
    const published = await client.request('POST', '/v1/products/ENDOW-40/versions', AUTH, JSON.stringify(product));
    if (published.status !== 201) throw new Error(`PublishProductVersion answered ${published.status}, expected 201`);
    const servicing = newPhase('servicing workload');
    const serverCpu = Object.assign(() => server.cpuSeconds(), { mainThread: () => server.mainThreadCpuSeconds() });
    const servicingSeconds = await runPhase(
      servicing,
      serverCpu,
      (clientNo, until) => servicingClient(clientNo, servicing, until),
      true,
    );
    const noOp = newPhase('no-op GET /v1/whoami');
    const noOpSeconds = SKIP_NO_OP
      ? NaN
      : await runPhase(noOp, serverCpu, (_clientNo, until) => noOpClient(noOp, until));

    const commandRate = servicing.commands.count / servicingSeconds;
    const readRate = servicing.reads.count / servicingSeconds;
    const noOpRate = noOp.reads.count / noOpSeconds;
    process.stdout.write('\nresults\n');
    process.stdout.write(
      `  durable commands: ${format(commandRate, 0)}/s  p50 ${format(servicing.commands.percentile(50), 2)} ms  p99 ${format(servicing.commands.percentile(99), 2)} ms  (${servicing.commands.count} in ${format(servicingSeconds)} s)\n`,
    );
    process.stdout.write(
      `  GET policy during the mix: ${format(readRate, 0)}/s  p50 ${format(servicing.reads.percentile(50), 2)} ms  p99 ${format(servicing.reads.percentile(99), 2)} ms\n`,
    );
    process.stdout.write(
      `  all requests of the mix: ${format(commandRate + readRate, 0)}/s\n` +
        `  no-op ceiling (authenticated GET /v1/whoami): ${format(noOpRate, 0)}/s  p50 ${format(noOp.reads.percentile(50), 2)} ms  p99 ${format(noOp.reads.percentile(99), 2)} ms\n` +
        `  ratio commands / no-op: ${format((commandRate / noOpRate) * 100)} %   (all mix requests / no-op: ${format(((commandRate + readRate) / noOpRate) * 100)} %)\n`,
    );
    const requests = servicing.commands.count + servicing.reads.count;
    process.stdout.write(
      `  server CPU: mix ${format((servicing.serverCpuSeconds / servicingSeconds) * 100, 0)} % of a core, ${format((servicing.serverCpuSeconds * 1000) / requests, 3)} ms per request; ` +
        `no-op ${format((noOp.serverCpuSeconds / noOpSeconds) * 100, 0)} % of a core, ${format((noOp.serverCpuSeconds * 1000) / noOp.reads.count, 3)} ms per request (host has ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})\n`,
    );
    process.stdout.write(
      `  server main thread CPU during the mix: ${format((servicing.serverMainThreadCpuSeconds / servicingSeconds) * 100, 0)} % of a core, ${format((servicing.serverMainThreadCpuSeconds * 1000) / requests, 3)} ms per request (the rest: the writer and projection threads, GC, libuv)\n`,
    );
    process.stdout.write(
      `  client CPU (this process): mix ${format((servicing.clientCpuSeconds / servicingSeconds) * 100, 0)} %, no-op ${format((noOp.clientCpuSeconds / noOpSeconds) * 100, 0)} % of a core\n`,
    );
    const lag = servicing.projectionLag;
    process.stdout.write(
      `  projection lag during the mix (${lag.count} samples of /metrics): p50 ${format(lag.percentile(50), 0)} ms  p99 ${format(lag.percentile(99), 0)} ms  max ${format(lag.percentile(100), 0)} ms\n`,
    );
    printFailures(servicing);
    printFailures(noOp);
    const target = commandRate >= 6000 && servicing.commands.percentile(99) <= 15 && lag.percentile(99) <= 1000;
    process.stdout.write(
      `  target ≥ 6000 commands/s at p99 ≤ 15 ms with 32 clients, projection lag p99 ≤ 1 s: ${target ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    client.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
