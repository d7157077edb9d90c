/**
 * Prometheus metrics with prom-client, the same way in every process (the API, the scheduler, the relay, the
 * projector): a process keeps one Registry of its own families, and each such registry also shows the process's
 * runtime metrics — prom-client's default metrics (CPU time, resident memory, heap, event-loop lag, GC durations,
 * handles, file descriptors, the Node.js version) plus `process_uptime_seconds`.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';

/** The Prometheus text exposition format 0.0.4, which every /metrics answers in. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

let runtimeMetrics: readonly Metric[] | undefined;

/**
 * The runtime metrics, created on first use and then shared: they describe the process, not one registry, and their
 * collectors (the event-loop delay monitor, the GC observer) run for the life of the process, so two apps in one
 * process (the tests) do not start two of each. CPU time is counted from here on.
 */
function processRuntimeMetrics(): readonly Metric[] {
  if (runtimeMetrics === undefined) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    new Gauge({
      name: 'process_uptime_seconds',
      help: 'Seconds since the process started.',
      registers: [registry],
      collect() {
        this.set(process.uptime());
      },
    });
    runtimeMetrics = registry.getMetricsAsArray().map(({ name }) => registry.getSingleMetric(name)!);
  }
  return runtimeMetrics;
}

/**
 * A registry for one process's families (one per app instance: two apps in one process count apart), which shows the
 * runtime metrics too. A family whose name is taken (by a runtime metric or another family) is refused here.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  for (const metric of processRuntimeMetrics()) registry.registerMetric(metric);
  return registry;
}

/** A counter kept elsewhere (a worker's status, a persisted checkpoint), read at scrape time. */
export function counterReading(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A gauge read at scrape time. */
export function gaugeReading(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
