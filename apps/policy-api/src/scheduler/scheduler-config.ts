import { REMINDER_CHANNELS, type ReminderChannel } from '@lib/policy-domain';

export interface SchedulerConfig {
  /** SCHEDULER_ENABLED (default true): run the servicing day in this process every day at `dailyAt`. */
  readonly enabled: boolean;
  /** SCHEDULER_DAILY_AT (default `02:00`): the time of day of the daily run on the clock of BUSINESS_TIME_ZONE. */
  readonly dailyAt: { readonly hour: number; readonly minute: number };
  /** SCHEDULER_REMINDER_CHANNELS (default `LETTER,SMS`): one pre-due reminder per channel at each reminder point. */
  readonly reminderChannels: readonly ReminderChannel[];
  /** SCHEDULER_OVERDUE_NOTICE_CHANNELS (default `LETTER`): one overdue notice (催告) per channel. */
  readonly overdueNoticeChannels: readonly ReminderChannel[];
  /** SCHEDULER_CATCH_UP_TIMEOUT_MS (default 60000): how long a run waits for the read models to catch up. */
  readonly catchUpTimeoutMs: number;
  /** ORPHAN_REASSIGNMENT_ENABLED (default true): run the orphan-reassignment process manager in this process. */
  readonly orphanReassignmentEnabled: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = present(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  problems.push(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
  return fallback;
}

function channels(env: Env, name: string, fallback: readonly ReminderChannel[], problems: string[]) {
  const raw = present(env[name]);
  if (raw === undefined) return fallback;
  const listed = [...new Set(raw.split(',').map((channel) => channel.trim().toUpperCase()))].filter(Boolean);
  const unknown = listed.filter((channel) => !(REMINDER_CHANNELS as readonly string[]).includes(channel));
  if (listed.length === 0 || unknown.length > 0) {
    problems.push(`${name} must list channels of ${REMINDER_CHANNELS.join(', ')}, got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return listed as ReminderChannel[];
}

/** The scheduler's part of the environment (DESIGN 6); problems are collected with the rest of loadConfig's. */
export function loadSchedulerConfig(env: Env, problems: string[]): SchedulerConfig {
  const rawDailyAt = present(env.SCHEDULER_DAILY_AT) ?? '02:00';
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(rawDailyAt);
  if (time === null)
    problems.push(
      `SCHEDULER_DAILY_AT must be HH:MM (on the BUSINESS_TIME_ZONE clock), got ${JSON.stringify(rawDailyAt)}`,
    );

  const rawTimeout = present(env.SCHEDULER_CATCH_UP_TIMEOUT_MS);
  let catchUpTimeoutMs = 60_000;
  if (rawTimeout !== undefined) {
    catchUpTimeoutMs = /^\d{1,9}$/.test(rawTimeout) ? Number(rawTimeout) : NaN;
    if (!(catchUpTimeoutMs >= 100)) {
      problems.push(`SCHEDULER_CATCH_UP_TIMEOUT_MS must be an integer ≥ 100, got ${JSON.stringify(rawTimeout)}`);
    }
  }

  return {
    enabled: flag(env, 'SCHEDULER_ENABLED', true, problems),
    dailyAt: time === null ? { hour: 2, minute: 0 } : { hour: Number(time[1]), minute: Number(time[2]) },
    reminderChannels: channels(env, 'SCHEDULER_REMINDER_CHANNELS', ['LETTER', 'SMS'], problems),
    overdueNoticeChannels: channels(env, 'SCHEDULER_OVERDUE_NOTICE_CHANNELS', ['LETTER'], problems),
    catchUpTimeoutMs,
    orphanReassignmentEnabled: flag(env, 'ORPHAN_REASSIGNMENT_ENABLED', true, problems),
  };
}
