import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from '@lib/policy-domain';
import { runCli } from '../cli';
import { EXIT, type CliIo } from '../cli-io';
import { runDayCommand } from './run-day.command';

function captureIo(env: NodeJS.ProcessEnv): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    signal: new AbortController().signal,
    out: () => out,
    err: () => err,
  };
}

describe('policyctl run-day', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'policyctl-run-day-'));
  const env = { DATA_DIR: dataDir, API_KEYS: 'ops:0123456789abcdef:admin', LOG_LEVEL: 'silent' };
  const today = new Date().toISOString().slice(0, 10);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('--from/--to runs every day of the range in order, with a summary line per day and progress', async () => {
    const io = captureIo(env);
    const from = addDays(today, -2);
    expect(await runCli(['run-day', '--from', from, '--to', today], io, [runDayCommand])).toBe(EXIT.ok);
    const lines = io.out().trim().split('\n');
    expect(lines.map((line) => line.slice(0, 10))).toEqual([from, addDays(today, -1), today]);
    expect(lines[0]).toContain('pre-due reminders 0');
    expect(io.err()).toContain('servicing days');
  }, 30_000);

  it('refuses a date after today and malformed arguments (exit 2, with the usage)', async () => {
    const future = captureIo(env);
    expect(await runCli(['run-day', '--date', addDays(today, 1)], future, [runDayCommand])).toBe(EXIT.usage);
    expect(future.err()).toContain('lies after today');
    const both = captureIo(env);
    expect(await runCli(['run-day', '--date', today, '--from', today], both, [runDayCommand])).toBe(EXIT.usage);
    expect(both.err()).toContain('Usage: policyctl run-day');
  });
});
