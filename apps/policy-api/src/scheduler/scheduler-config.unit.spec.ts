import { loadSchedulerConfig } from './scheduler-config';
import { millisUntilNext } from './scheduler-timer';

describe('scheduler configuration', () => {
  it('defaults: enabled daily at 02:00 UTC, reminders by LETTER and SMS, overdue notices by LETTER', () => {
    const problems: string[] = [];
    expect(loadSchedulerConfig({}, problems)).toEqual({
      enabled: true,
      dailyAt: { hour: 2, minute: 0 },
      reminderChannels: ['LETTER', 'SMS'],
      overdueNoticeChannels: ['LETTER'],
      catchUpTimeoutMs: 60_000,
      orphanReassignmentEnabled: true,
    });
    expect(problems).toEqual([]);
  });

  it('reads every variable and reports each bad one', () => {
    const problems: string[] = [];
    const config = loadSchedulerConfig(
      {
        SCHEDULER_ENABLED: 'false',
        SCHEDULER_DAILY_AT: '23:45',
        SCHEDULER_REMINDER_CHANNELS: 'sms, email',
        ORPHAN_REASSIGNMENT_ENABLED: 'no',
      },
      problems,
    );
    expect(config).toMatchObject({
      enabled: false,
      dailyAt: { hour: 23, minute: 45 },
      reminderChannels: ['SMS', 'EMAIL'],
      orphanReassignmentEnabled: false,
    });
    loadSchedulerConfig(
      {
        SCHEDULER_ENABLED: 'maybe',
        SCHEDULER_DAILY_AT: '24:00',
        SCHEDULER_OVERDUE_NOTICE_CHANNELS: 'PIGEON',
        SCHEDULER_CATCH_UP_TIMEOUT_MS: '5',
      },
      problems,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^SCHEDULER_DAILY_AT must be HH:MM/),
      expect.stringMatching(/^SCHEDULER_CATCH_UP_TIMEOUT_MS must be an integer/),
      expect.stringMatching(/^SCHEDULER_ENABLED must be true or false/),
      expect.stringMatching(/^SCHEDULER_OVERDUE_NOTICE_CHANNELS must list channels/),
    ]);
  });

  it('the daily run is due at the next HH:MM UTC: later today, or tomorrow once it has passed', () => {
    expect(millisUntilNext('2026-06-15T01:30:00.000Z', 2, 0)).toBe(30 * 60_000);
    expect(millisUntilNext('2026-06-15T02:00:00.000Z', 2, 0)).toBe(24 * 3_600_000);
    expect(millisUntilNext('2026-12-31T23:00:00.000Z', 2, 0)).toBe(3 * 3_600_000);
  });
});
