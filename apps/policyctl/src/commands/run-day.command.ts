import { parseArgs } from 'node:util';
import { CommandBus } from '@nestjs/cqrs';
import pino, { type Logger } from 'pino';
import { ConfigError, type LogLevel } from '@lib/config';
import { addDays, daysBetween } from '@lib/policy-domain';
import {
  createPolicyApi,
  loadConfig,
  type AppConfig,
  businessDateOf,
  systemClock,
  loggerOptions,
  ServicingDay,
  type ScheduledAction,
  type ServicingDayReport,
  checkDayRange,
  runServicingDays,
  type DayRange,
} from '@lib/policy-app';
import { CliFailure, EXIT, Interrupted, UsageError, type CliIo } from '../cli-io';
import { ProgressBar } from '../progress-bar';
import type { CliCommand } from './cli-command';

const USAGE = `Usage: policyctl run-day --date YYYY-MM-DD
       policyctl run-day --from YYYY-MM-DD --to YYYY-MM-DD

Runs the servicing day (DESIGN 6) for a business date, or for every date of a range in order (catch-up after
downtime): pre-due reminders (30 and 7 days before), overdue notices (the day after the due date), lapses, LAPSE_EXPIRED
terminations and the survival benefits falling due. Each command has a deterministic idempotency key, so running a
day again — or while the API's daily run does the same — changes nothing. Dates after today are refused.

Output: one summary line per day on stdout; progress on stderr in commands sent, with the day being run. Logs are
JSON lines on stderr at LOG_LEVEL (default info): per day, one line per kind of work with its counts (sent, done
before, skipped by a business rule, failed) and a line per failed command; LOG_LEVEL=debug adds every command and its
outcome. Exit code 1 when a command failed for a reason other than a business rule (a rule rejection is a skip).

Options:
  --date <date>             one business date
  --from <date> --to <date> an inclusive range of business dates
  -h, --help                this text

Environment: as the API (DATA_DIR, EVENTSTORE_CONNECTION_STRING, READ_MODEL_URL, KAFKA_BROKERS, JURISDICTION,
BUSINESS_TIME_ZONE, LOG_LEVEL, SCHEDULER_REMINDER_CHANNELS, SCHEDULER_OVERDUE_NOTICE_CHANNELS,
SCHEDULER_CATCH_UP_TIMEOUT_MS). In embedded mode the read models are fed by this process; with KAFKA_BROKERS set the
projector must be running.`;

/** The kinds of work of a servicing day, as the summaries name them. */
const WORK: Readonly<Record<ScheduledAction, string>> = {
  PRE_DUE_REMINDER: 'pre-due reminders',
  OVERDUE_NOTICE: 'overdue notices',
  LAPSE: 'lapses',
  LAPSE_EXPIRED_TERMINATION: 'LAPSE_EXPIRED terminations',
  EXPIRY_TERMINATION: 'EXPIRY terminations',
  LOAN_INTEREST_CAPITALIZATION: 'loan interest capitalizations',
  AUTOMATIC_PREMIUM_LOAN: 'automatic premium loans',
  NONFORFEITURE_CONVERSION: 'nonforfeiture conversions',
  LOAN_WARNING: 'loan warnings',
  LOAN_LAPSE: 'loan lapses',
};
const WORK_ORDER: readonly ScheduledAction[] = [
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
];

function parseRunDayArgs(args: readonly string[]): DayRange | 'help' {
  let values: { date?: string; from?: string; to?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        date: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (values.date !== undefined) {
    if (values.from !== undefined || values.to !== undefined)
      throw new UsageError('give --date or --from/--to, not both');
    return { from: values.date, to: values.date };
  }
  if (values.from === undefined || values.to === undefined)
    throw new UsageError('give --date, or both --from and --to');
  return { from: values.from, to: values.to };
}

function daySummary(report: ServicingDayReport): string {
  const part = (label: string, counts: ServicingDayReport['actions'][keyof ServicingDayReport['actions']]) =>
    `${label} ${counts.sent}` +
    (counts.replayed + counts.skipped + counts.failed > 0
      ? ` (done before ${counts.replayed}, skipped ${counts.skipped}, failed ${counts.failed})`
      : '');
  return [
    report.date,
    ...WORK_ORDER.map((action) => part(WORK[action], report.actions[action])),
    `survival benefits due ${report.survivalBenefitsDue.length}`,
  ].join('  ');
}

/** The commands a finished day sent, whatever their outcome: the unit of its progress. */
function commandsOf(report: ServicingDayReport): number {
  return Object.values(report.actions).reduce(
    (sum, counts) => sum + counts.sent + counts.replayed + counts.skipped + counts.failed,
    0,
  );
}

/** DESIGN 6: one info line per kind of work of the day, with its counts. */
function logDaySummary(logger: Logger, report: ServicingDayReport): void {
  const { date } = report;
  for (const action of WORK_ORDER) {
    const { sent, replayed, skipped, failed } = report.actions[action];
    logger.info(
      { date, work: action, sent, replayed, skipped, failed },
      `${date} ${WORK[action]}: ${sent} sent, ${replayed} done before, ${skipped} skipped, ${failed} failed`,
    );
  }
  const due = report.survivalBenefitsDue.length;
  logger.info({ date, work: 'SURVIVAL_BENEFIT_DUE', due }, `${date} survival benefits due: ${due}`);
}

/**
 * The servicing engine logs each command and its outcome at info: right for the API's log of its daily run, detail
 * on the command line, where the per-kind summaries stand at info. Its lines therefore show from LOG_LEVEL=debug on;
 * warnings and errors (a failed command) always.
 */
function engineLevel(level: LogLevel): LogLevel {
  return level === 'info' ? 'warn' : level;
}

/** JSON log lines on the command's stderr; on a terminal the progress line is cleared first (it is redrawn). */
function cliLogger(io: CliIo, level: LogLevel): Logger {
  return pino(loggerOptions(level, 'policyctl'), {
    write: (line: string) => io.stderr.write(io.stderr.isTTY ? `\r\x1b[K${line}` : line),
  });
}

export const runDayCommand: CliCommand = {
  name: 'run-day',
  summary: 'run the servicing day (reminders, notices, lapses, terminations) for a date or a range',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseRunDayArgs(args);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    let config: AppConfig;
    try {
      // This process runs the requested days only: no daily timer, no process manager.
      config = loadConfig({ ...io.env, SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: 'false' });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(error.message);
      throw error;
    }
    const today = businessDateOf(systemClock.now(), config.businessTimeZone);
    try {
      checkDayRange(parsed, today);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const logger = cliLogger(io, config.logLevel);
    const app = await createPolicyApi(config, { logger: logger.child({}, { level: engineLevel(config.logLevel) }) });
    try {
      await app.init();
      const servicingDay = app.get(ServicingDay);
      const days = daysBetween(parsed.from, parsed.to) + 1;
      const dayLabel = (index: number) => `day ${addDays(parsed.from, index)} (${index + 1}/${days})`;
      const progress = new ProgressBar(io.stderr, 'servicing', null, 'commands');
      // Commands of the days done, plus those the running day has sent so far (the bus announces each as it starts).
      let doneBefore = 0;
      let sentToday = 0;
      progress.update(0, null, dayLabel(0));
      const sending = app.get(CommandBus).subscribe(() => progress.update(doneBefore + ++sentToday));
      let failed = 0;
      try {
        await runServicingDays(servicingDay, parsed, (report, done, total) => {
          io.stdout.write(`${daySummary(report)}\n`);
          logDaySummary(logger, report);
          failed += Object.values(report.actions).reduce((sum, counts) => sum + counts.failed, 0);
          doneBefore += commandsOf(report);
          sentToday = 0;
          progress.update(doneBefore, null, done < total ? dayLabel(done) : `${total} day(s)`);
          if (io.signal.aborted && done < total) throw new Interrupted();
        });
      } finally {
        sending.unsubscribe();
      }
      progress.finish();
      if (failed > 0) throw new CliFailure(`${failed} command(s) failed; see the log, then run the day(s) again`);
      return EXIT.ok;
    } finally {
      await app.close();
    }
  },
};
