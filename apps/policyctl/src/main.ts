import { runCli } from './cli';

/**
 * `policyctl` entry point: a plain Node CLI (no Nest) on the same configuration as the API (DATA_DIR,
 * EVENTSTORE_CONNECTION_STRING, READ_MODEL_URL, READ_MODEL_SCHEMA). The first SIGINT/SIGTERM asks the running command
 * to stop at a safe point (a rebuild then drops its fresh tables); a second one exits at once.
 */
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`policyctl: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
