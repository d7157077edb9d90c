import { type Provider } from '@nestjs/common';
import { createMetricsRegistry } from '@lib/worker-runtime';

/**
 * The app's prom-client Registry: its families and the process's runtime metrics (@lib/worker-runtime). One per app
 * instance (no module-level registry), so two apps in one process (the tests) count separately.
 */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export const metricsRegistryProvider: Provider = { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry };
