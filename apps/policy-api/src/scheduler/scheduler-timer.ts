import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Clock } from '@lib/event-sourcing';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { businessDateOf } from '../event-store/system-clock';
import { CLOCK } from '../event-store/tokens';
import { LOGGER } from '../logging/logger';
import { ServicingDay } from './servicing-day';

const DAY_MS = 86_400_000;

/** Milliseconds from `now` to the next `hour:minute` UTC (a full day when it is that minute exactly). */
export function millisUntilNext(now: string, hour: number, minute: number): number {
  const nowMs = Date.parse(now);
  const start = new Date(nowMs);
  let next = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate(), hour, minute);
  if (next <= nowMs) next += DAY_MS;
  return next - nowMs;
}

/**
 * Runs today's servicing day at SCHEDULER_DAILY_AT (UTC) when SCHEDULER_ENABLED. The business date comes from the
 * injected clock at the moment the run starts. A failed run is logged and retried at the next daily run; days missed
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
    const delay = millisUntilNext(this.clock.now(), hour, minute);
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
