import { type EnvReader } from '@lib/config';
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

/** A comma-separated list of reminder channels, in any case; duplicates are dropped. */
function channels(read: EnvReader, name: string, fallback: readonly ReminderChannel[]): readonly ReminderChannel[] {
  return read.parsed(
    name,
    fallback,
    (raw) => {
      const listed = [...new Set(raw.split(',').map((channel) => channel.trim().toUpperCase()))].filter(Boolean);
      const unknown = listed.filter((channel) => !(REMINDER_CHANNELS as readonly string[]).includes(channel));
      return listed.length === 0 || unknown.length > 0 ? undefined : (listed as ReminderChannel[]);
    },
    `must list channels of ${REMINDER_CHANNELS.join(', ')}`,
  );
}

/** The scheduler's part of the environment (DESIGN 6); problems are collected with the rest of loadConfig's. */
export function loadSchedulerConfig(read: EnvReader): SchedulerConfig {
  const dailyAt = read.parsed(
    'SCHEDULER_DAILY_AT',
    { hour: 2, minute: 0 },
    (raw) => {
      const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
      return time === null ? undefined : { hour: Number(time[1]), minute: Number(time[2]) };
    },
    'must be HH:MM (on the BUSINESS_TIME_ZONE clock)',
  );
  const catchUpTimeoutMs = read.parsed(
    'SCHEDULER_CATCH_UP_TIMEOUT_MS',
    60_000,
    (raw) => (/^\d{1,9}$/.test(raw) && Number(raw) >= 100 ? Number(raw) : undefined),
    'must be an integer ≥ 100',
  );
  return {
    enabled: read.flag('SCHEDULER_ENABLED', true),
    dailyAt,
    reminderChannels: channels(read, 'SCHEDULER_REMINDER_CHANNELS', ['LETTER', 'SMS']),
    overdueNoticeChannels: channels(read, 'SCHEDULER_OVERDUE_NOTICE_CHANNELS', ['LETTER']),
    catchUpTimeoutMs,
    orphanReassignmentEnabled: read.flag('ORPHAN_REASSIGNMENT_ENABLED', true),
  };
}
