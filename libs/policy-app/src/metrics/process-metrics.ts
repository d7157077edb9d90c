import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { counterReading, gauge, single } from './instruments';
import type { MetricFamily } from './prometheus-text';

/** Event-loop delay is summarised per window, so a stall shows for a while and then ages out. */
const EVENT_LOOP_WINDOW_MS = 60_000;
const EVENT_LOOP_RESOLUTION_MS = 10;

interface EventLoopSummary {
  readonly p99Seconds: number;
  readonly maxSeconds: number;
}

/** Resident memory, heap, CPU time, uptime and event-loop delay (perf_hooks.monitorEventLoopDelay) of this process. */
@Injectable()
export class ProcessMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly eventLoopDelay = monitorEventLoopDelay({
    resolution: EVENT_LOOP_RESOLUTION_MS,
  });
  private windowTimer: NodeJS.Timeout | undefined;
  private lastWindow: EventLoopSummary | undefined;

  onModuleInit(): void {
    this.eventLoopDelay.enable();
    this.windowTimer = setInterval(() => {
      this.lastWindow = this.summary();
      this.eventLoopDelay.reset();
    }, EVENT_LOOP_WINDOW_MS);
    this.windowTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.windowTimer);
    this.eventLoopDelay.disable();
  }

  collect(): MetricFamily[] {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const eventLoop = this.lastWindow ?? this.summary();
    return [
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', single(memory.rss)),
      gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', single(memory.heapUsed)),
      gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved, in bytes.', single(memory.heapTotal)),
      counterReading('process_cpu_user_seconds_total', 'User CPU time spent, in seconds.', single(cpu.user / 1e6)),
      counterReading(
        'process_cpu_system_seconds_total',
        'System CPU time spent, in seconds.',
        single(cpu.system / 1e6),
      ),
      gauge(
        'nodejs_eventloop_lag_p99_seconds',
        `99th percentile of the event-loop delay over the last complete ${EVENT_LOOP_WINDOW_MS / 1000} s window ` +
          '(the current window until one completes).',
        single(eventLoop.p99Seconds),
      ),
      gauge(
        'nodejs_eventloop_lag_max_seconds',
        `Greatest event-loop delay over the same window.`,
        single(eventLoop.maxSeconds),
      ),
      gauge('process_uptime_seconds', 'Seconds since the process started.', single(process.uptime())),
      gauge(
        'process_start_time_seconds',
        'Start time of the process since the Unix epoch, in seconds.',
        single(Math.round(performance.timeOrigin) / 1000),
      ),
    ];
  }

  private summary(): EventLoopSummary {
    // An empty histogram (no sample yet) reports 0 rather than its sentinel values.
    if (this.eventLoopDelay.count === 0) return { p99Seconds: 0, maxSeconds: 0 };
    return {
      p99Seconds: this.eventLoopDelay.percentile(99) / 1e9,
      maxSeconds: this.eventLoopDelay.max / 1e9,
    };
  }
}
