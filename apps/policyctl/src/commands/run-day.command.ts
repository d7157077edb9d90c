import { parseArgs } from 'node:util';
import pino from 'pino';
import { createPolicyApi } from '../../../policy-api/src/app.factory';
import { ConfigError, loadConfig, type AppConfig } from '../../../policy-api/src/config/app-config';
import { businessDateOf, systemClock } from '../../../policy-api/src/event-store/system-clock';
import { ServicingDay, type ServicingDayReport } from '../../../policy-api/src/scheduler/servicing-day';
import { checkDayRange, runServicingDays, type DayRange } from '../../../policy-api/src/scheduler/servicing-days';
import { CliFailure, EXIT, Interrupted, UsageError, type CliIo } from '../cli-io';
import { ProgressBar } from '../progress-bar';
import type { CliCommand } from './cli-command';

const USAGE = `Usage: policyctl run-day --date YYYY-MM-DD
       policyctl run-day --from YYYY-MM-DD --to YYYY-MM-DD

Runs the servicing day (DESIGN 6) for a business date, or for every date of a range in order (catch-up after
downtime): pre-due reminders (30 and 7 days before), overdue notices (the day after the due date), lapses, LAPSE_EXPIRED
terminations and the survival benefits falling due. Each command has a deterministic idempotency key, so running a
day again — or while the API's daily run does the same — changes nothing. Dates after today are refused.

Progress on stderr (days done / days in the range); one summary line per day on stdout. Each command and its outcome
is logged (JSON on stderr) when LOG_LEVEL is info or lower. Exit code 1 when a command failed for a reason other than
a business rule (a rule rejection is a logged skip).

Options:
  --date <date>             one business date
  --from <date> --to <date> an inclusive range of business dates
  -h, --help                this text

Environment: as the API (DATA_DIR, EVENTSTORE_CONNECTION_STRING, READ_MODEL_URL, KAFKA_BROKERS, JURISDICTION,
SCHEDULER_REMINDER_CHANNELS, SCHEDULER_OVERDUE_NOTICE_CHANNELS, SCHEDULER_CATCH_UP_TIMEOUT_MS). In embedded mode the
read models are fed by this process; with KAFKA_BROKERS set the projector must be running.`;

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

export function daySummary(report: ServicingDayReport): string {
  const part = (label: string, counts: ServicingDayReport['actions'][keyof ServicingDayReport['actions']]) =>
    `${label} ${counts.sent}` +
    (counts.replayed + counts.skipped + counts.failed > 0
      ? ` (done before ${counts.replayed}, skipped ${counts.skipped}, failed ${counts.failed})`
      : '');
  const { actions } = report;
  return [
    report.date,
    part('pre-due reminders', actions.PRE_DUE_REMINDER),
    part('overdue notices', actions.OVERDUE_NOTICE),
    part('lapses', actions.LAPSE),
    part('LAPSE_EXPIRED terminations', actions.LAPSE_EXPIRED_TERMINATION),
    part('EXPIRY terminations', actions.EXPIRY_TERMINATION),
    `survival benefits due ${report.survivalBenefitsDue.length}`,
  ].join('  ');
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
    const logger = pino(
      { level: io.env.LOG_LEVEL ?? 'warn', base: { service: 'policyctl' } },
      pino.destination({ dest: 2, sync: true }),
    );
    const app = await createPolicyApi(config, { logger });
    try {
      await app.init();
      const servicingDay = app.get(ServicingDay);
      const progress = new ProgressBar(io.stderr, 'servicing days', null, 'days');
      let failed = 0;
      await runServicingDays(servicingDay, parsed, (report, done, total) => {
        io.stdout.write(`${daySummary(report)}\n`);
        failed += Object.values(report.actions).reduce((sum, counts) => sum + counts.failed, 0);
        progress.update(done, total);
        if (io.signal.aborted && done < total) throw new Interrupted();
      });
      progress.finish();
      if (failed > 0) throw new CliFailure(`${failed} command(s) failed; see the log, then run the day(s) again`);
      return EXIT.ok;
    } finally {
      await app.close();
    }
  },
};
