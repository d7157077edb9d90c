import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from '@lib/policy-domain';
import { DEFAULT_BUSINESS_TIME_ZONES, businessDateOf } from '@lib/policy-app';
import { issuePolicyBody, bearer, startTestApi } from '@lib/policy-app/testing';
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

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('policyctl run-day', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'policyctl-run-day-'));
  const env = { DATA_DIR: dataDir, API_KEYS: 'ops:0123456789abcdef:admin', LOG_LEVEL: 'silent' };
  // "Today" as run-day reads it: the business date in the default zone of the default jurisdiction (CN).
  const today = businessDateOf(new Date().toISOString(), DEFAULT_BUSINESS_TIME_ZONES.CN);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('--from/--to runs every day of the range in order, with a summary line per day and progress', async () => {
    const io = captureIo(env);
    const from = addDays(today, -2);
    expect(await runCli(['run-day', '--from', from, '--to', today], io, [runDayCommand])).toBe(EXIT.ok);
    const lines = io.out().trim().split('\n');
    expect(lines.map((line) => line.slice(0, 10))).toEqual([from, addDays(today, -1), today]);
    expect(lines[0]).toContain('pre-due reminders 0');
    expect(io.err()).toMatch(/servicing {2}3 day\(s\) {2}0 commands/);
  }, 30_000);

  it('refuses a date after today and malformed arguments (exit 2, with the usage)', async () => {
    const future = captureIo(env);
    expect(await runCli(['run-day', '--date', addDays(today, 1)], future, [runDayCommand])).toBe(EXIT.usage);
    expect(future.err()).toContain('lies after today');
    const both = captureIo(env);
    expect(await runCli(['run-day', '--date', today, '--from', today], both, [runDayCommand])).toBe(EXIT.usage);
    expect(both.err()).toContain('Usage: policyctl run-day');
  });

  describe('with work to do', () => {
    const workDir = mkdtempSync(join(tmpdir(), 'policyctl-run-day-work-'));
    afterAll(() => rmSync(workDir, { recursive: true, force: true }));

    /** An annual policy whose installment 2 falls due 30 (or 7) days from today: a pre-due reminder per channel. */
    beforeAll(async () => {
      const dueDate = [addDays(today, 30), addDays(today, 7)].find((date) => Number(date.slice(8)) <= 28)!;
      const effectiveDate = `${Number(dueDate.slice(0, 4)) - 1}${dueDate.slice(4)}`;
      const api = await startTestApi({ dataDir: workDir, today });
      try {
        await api
          .http()
          .post('/v1/policies')
          .set('Authorization', bearer('clerk'))
          .send(
            issuePolicyBody('RUN-0001', {
              effectiveDate,
              maturityDate: `${Number(effectiveDate.slice(0, 4)) + 4}${effectiveDate.slice(4)}`,
              survivalBenefits: [],
            }),
          )
          .expect(201);
      } finally {
        await api.close();
      }
    });

    it('logs at info by default: one JSON line per kind of work with its counts, not every command', async () => {
      const io = captureIo({ DATA_DIR: workDir, API_KEYS: 'ops:0123456789abcdef:admin' });
      expect(await runCli(['run-day', '--date', today], io, [runDayCommand])).toBe(EXIT.ok);

      expect(io.out()).toContain(`${today}  pre-due reminders 2  overdue notices 0`);
      const logs = jsonLines(io.err());
      expect(logs.map((line) => line.work)).toEqual([
        'PRE_DUE_REMINDER',
        'OVERDUE_NOTICE',
        'LAPSE',
        'LAPSE_EXPIRED_TERMINATION',
        'EXPIRY_TERMINATION',
        'LOAN_INTEREST_CAPITALIZATION',
        'AUTOMATIC_PREMIUM_LOAN',
        'NONFORFEITURE_CONVERSION',
        'LOAN_WARNING',
        'LOAN_LAPSE',
        'SURVIVAL_BENEFIT_DUE',
      ]);
      expect(logs[0]).toMatchObject({
        level: 30,
        service: 'policyctl',
        date: today,
        sent: 2,
        replayed: 0,
        skipped: 0,
        failed: 0,
        msg: `${today} pre-due reminders: 2 sent, 0 done before, 0 skipped, 0 failed`,
      });
      // Progress counts the work, not the days.
      expect(io.err()).toMatch(/servicing {2}1 day\(s\) {2}2 commands/);
    }, 30_000);

    it('LOG_LEVEL=debug adds every command and its outcome; a second run finds them done before', async () => {
      const io = captureIo({ DATA_DIR: workDir, API_KEYS: 'ops:0123456789abcdef:admin', LOG_LEVEL: 'debug' });
      expect(await runCli(['run-day', '--date', today], io, [runDayCommand])).toBe(EXIT.ok);

      const logs = jsonLines(io.err());
      const commands = logs.filter((line) => line.action === 'PRE_DUE_REMINDER');
      expect(commands).toEqual([
        expect.objectContaining({ policyId: 'RUN-0001', outcome: 'replayed' }),
        expect.objectContaining({ policyId: 'RUN-0001', outcome: 'replayed' }),
      ]);
      expect(logs.find((line) => line.work === 'PRE_DUE_REMINDER')).toMatchObject({ sent: 0, replayed: 2 });
    }, 30_000);
  });
});
