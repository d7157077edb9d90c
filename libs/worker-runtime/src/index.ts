/**
 * libs/worker-runtime: what the processes share. Every process (API, scheduler, event relay, projector): its
 * Prometheus registry with the runtime metrics, and stopping on signals; the background workers (event relay,
 * projector): their /health and /metrics server. Their configuration is read with @lib/config.
 */
export * from './metrics';
export * from './worker-http';
export * from './signals';
export * from './worker-thread';
