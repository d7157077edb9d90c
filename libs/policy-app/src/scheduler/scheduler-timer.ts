import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Clock } from '@lib/event-sourcing';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { businessDateOf } from '../event-store/system-clock';
import { CLOCK } from '../event-store/tokens';
import { LOGGER } from '../logging/logger';
import { ServicingDay } from './servicing-day';

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of an instant in a time zone, as if it were UTC (ms). */
function wallClockMs(instantMs: number, timeZone: string): number {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClocks.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(instantMs)) part[type] = Number(value);
  return Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
}

const DAY_MS = 86_400_000;

/**
 * The first instant at which the wall clock in `timeZone` shows the local time `localMs` (read as UTC). A local time
 * the clocks skip (the switch to summer time) maps to the instant that far past the switch, with the offset before
 * it (02:30 → 03:30); one they show twice (the switch back) to the first.
 */
function instantOfWallClock(localMs: number, timeZone: string): number {
  // The offsets in force a day either side (read at `localMs` taken as a UTC instant, which is off by the offset
  // itself, up to 14 hours): they differ only across a switch, and clocks never switch twice within two days.
  const before = localMs - (wallClockMs(localMs - DAY_MS, timeZone) - (localMs - DAY_MS));
  const after = localMs - (wallClockMs(localMs + DAY_MS, timeZone) - (localMs + DAY_MS));
  const candidates = [before, after].filter((instant) => wallClockMs(instant, timeZone) === localMs);
  return candidates.length === 0 ? before : Math.min(...candidates);
}

/**
 * Milliseconds from `now` to the next `hour:minute` on the wall clock of `timeZone` (default UTC; a full day when it
 * is that minute exactly). On the night clocks skip that time it comes as late as they skipped; on the night they
 * show it twice, the first time only.
 */
export function millisUntilNext(now: string, hour: number, minute: number, timeZone = 'UTC'): number {
  const nowMs = Date.parse(now);
  const today = new Date(wallClockMs(nowMs, timeZone));
  for (let days = 0; ; days++) {
    const local = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days, hour, minute);
    const next = instantOfWallClock(local, timeZone);
    if (next > nowMs) return next - nowMs;
  }
}

/**
 * Runs today's servicing day at SCHEDULER_DAILY_AT on the BUSINESS_TIME_ZONE clock when SCHEDULER_ENABLED. The
 * business date comes from the injected clock at the moment the run starts. A failed run is logged and retried at the next daily run; days missed
 * while no instance ran are caught up with `policyctl run-day --from … --to …`. Running the same day on several
 * instances is harmless (every command has a deterministic idempotency key).
 */
@Injectable()
export class SchedulerTimer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly servicingDay: ServicingDay,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.scheduler.enabled) this.scheduleNext();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const { hour, minute } = this.config.scheduler.dailyAt;
    const delay = millisUntilNext(this.clock.now(), hour, minute, this.config.businessTimeZone);
    this.timer = setTimeout(() => this.runToday(), delay);
    // The daily timer alone must not keep the process alive.
    this.timer.unref();
  }

  private runToday(): void {
    const date = businessDateOf(this.clock.now(), this.config.businessTimeZone);
    this.running = this.servicingDay
      .run(date)
      .catch((error: unknown) =>
        this.logger.error(
          { component: 'scheduler', date, err: error },
          'servicing day failed; run it again with policyctl run-day --date',
        ),
      )
      .finally(() => {
        this.running = undefined;
        this.scheduleNext();
      });
  }
}
