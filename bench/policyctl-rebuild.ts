/**
 * Bench helper: runs the built `policyctl rebuild` (dist, its own process, as an operator runs it) and reads its
 * summary line: events rebuilt and seconds by its own clock (count, read, project, write, index, swap).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

interface RebuildRun {
  readonly events: number;
  /** policyctl's own timing, from the start of the rebuild to the swap. */
  readonly seconds: number;
  /** Wall time of the whole process, Node start-up included. */
  readonly processSeconds: number;
}

const POLICYCTL = path.resolve(__dirname, '..', 'apps', 'policyctl', 'src', 'main.js');

export async function runPolicyctlRebuild(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<RebuildRun> {
  const startedAt = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [POLICYCTL, 'rebuild', ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => (error ? reject(new Error(`policyctl rebuild failed: ${stderr}`)) : resolve(stdout)),
    );
  });
  const processSeconds = (performance.now() - startedAt) / 1000;
  const summary = /from (\d+) events in ([\d.]+) s/.exec(output);
  if (!summary) throw new Error(`unexpected policyctl rebuild output: ${output}`);
  return { events: Number(summary[1]), seconds: Number(summary[2]), processSeconds };
}
