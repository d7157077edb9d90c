import { EnvReader } from '@lib/config';
import { loadSchedulerConfig } from './scheduler-config';
import { millisUntilNext } from './scheduler-timer';

describe('scheduler configuration', () => {
  it('defaults: enabled daily at 02:00 UTC, reminders by LETTER and SMS, overdue notices by LETTER', () => {
    const read = new EnvReader({});
    expect(loadSchedulerConfig(read)).toEqual({
      enabled: true,
      dailyAt: { hour: 2, minute: 0 },
      reminderChannels: ['LETTER', 'SMS'],
      overdueNoticeChannels: ['LETTER'],
      catchUpTimeoutMs: 60_000,
      orphanReassignmentEnabled: true,
    });
    expect(read.problems).toEqual([]);
  });

  it('reads every variable and reports each bad one', () => {
    const config = loadSchedulerConfig(
      new EnvReader({
        SCHEDULER_ENABLED: 'false',
        SCHEDULER_DAILY_AT: '23:45',
        SCHEDULER_REMINDER_CHANNELS: 'sms, email',
        ORPHAN_REASSIGNMENT_ENABLED: 'no',
      }),
    );
    expect(config).toMatchObject({
      enabled: false,
      dailyAt: { hour: 23, minute: 45 },
      reminderChannels: ['SMS', 'EMAIL'],
      orphanReassignmentEnabled: false,
    });
    const read = new EnvReader({
      SCHEDULER_ENABLED: 'maybe',
      SCHEDULER_DAILY_AT: '24:00',
      SCHEDULER_OVERDUE_NOTICE_CHANNELS: 'PIGEON',
      SCHEDULER_CATCH_UP_TIMEOUT_MS: '5',
    });
    loadSchedulerConfig(read);
    expect(read.problems).toEqual([
      expect.stringMatching(/^SCHEDULER_DAILY_AT must be HH:MM/),
      expect.stringMatching(/^SCHEDULER_CATCH_UP_TIMEOUT_MS must be an integer/),
      expect.stringMatching(/^SCHEDULER_ENABLED must be true or false/),
      expect.stringMatching(/^SCHEDULER_OVERDUE_NOTICE_CHANNELS must list channels/),
    ]);
  });

  it('the daily run is due at the next HH:MM (UTC by default): later today, or tomorrow once it has passed', () => {
    expect(millisUntilNext('2026-06-15T01:30:00.000Z', 2, 0)).toBe(30 * 60_000);
    expect(millisUntilNext('2026-06-15T02:00:00.000Z', 2, 0)).toBe(24 * 3_600_000);
    expect(millisUntilNext('2026-12-31T23:00:00.000Z', 2, 0)).toBe(3 * 3_600_000);
  });

  it('HH:MM is read on the wall clock of BUSINESS_TIME_ZONE', () => {
    const hours = (value: number) => value / 3_600_000;
    // 02:00 in Shanghai (UTC+8) is 18:00 UTC the day before.
    expect(hours(millisUntilNext('2026-06-15T17:00:00.000Z', 2, 0, 'Asia/Shanghai'))).toBe(1);
    expect(hours(millisUntilNext('2026-06-15T18:00:00.000Z', 2, 0, 'Asia/Shanghai'))).toBe(24);
    expect(hours(millisUntilNext('2026-06-15T18:30:00.000Z', 2, 0, 'Asia/Shanghai'))).toBe(23.5);
    // New York: EDT (UTC−4) in June, EST (UTC−5) in December.
    expect(hours(millisUntilNext('2026-06-15T05:00:00.000Z', 2, 0, 'America/New_York'))).toBe(1);
    expect(hours(millisUntilNext('2026-12-15T06:00:00.000Z', 2, 0, 'America/New_York'))).toBe(1);
    // From 01:30 to 03:30: two hours on an ordinary night, one across the switch to summer time (2026-03-08,
    // 02:00 EST → 03:00 EDT).
    expect(hours(millisUntilNext('2026-03-07T06:30:00.000Z', 3, 30, 'America/New_York'))).toBe(2);
    expect(hours(millisUntilNext('2026-03-08T06:30:00.000Z', 3, 30, 'America/New_York'))).toBe(1);
    // 02:30 does not exist on 2026-03-08: from 01:00 EST the run comes at 03:30 EDT (07:30 UTC).
    expect(hours(millisUntilNext('2026-03-08T06:00:00.000Z', 2, 30, 'America/New_York'))).toBe(1.5);
    // 01:30 happens twice on 2026-11-01 (EDT, then EST): the run comes at the first; just after it, the next is a day on.
    expect(hours(millisUntilNext('2026-11-01T05:00:00.000Z', 1, 30, 'America/New_York'))).toBe(0.5);
    expect(hours(millisUntilNext('2026-11-01T05:31:00.000Z', 1, 30, 'America/New_York'))).toBeCloseTo(25 - 1 / 60, 6);
    // Far east of UTC (Auckland, NZST +12 / NZDT +13): the same rules. 02:00 does not exist on 2026-09-27.
    expect(hours(millisUntilNext('2026-09-26T13:30:00.000Z', 2, 0, 'Pacific/Auckland'))).toBe(0.5);
    // 02:30 happens twice on 2026-04-05 (NZDT 13:30 UTC, then NZST 14:30 UTC).
    expect(hours(millisUntilNext('2026-04-04T13:00:00.000Z', 2, 30, 'Pacific/Auckland'))).toBe(0.5);
    expect(hours(millisUntilNext('2026-04-04T13:31:00.000Z', 2, 30, 'Pacific/Auckland'))).toBeCloseTo(25 - 1 / 60, 6);
    // An ordinary day in Chatham (+12:45 in winter): 02:00 local is 13:15 UTC the day before.
    expect(hours(millisUntilNext('2026-06-15T12:15:00.000Z', 2, 0, 'Pacific/Chatham'))).toBe(1);
  });
});
