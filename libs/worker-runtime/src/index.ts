/**
 * libs/worker-runtime: what every background worker (event relay, projector) shares: /health, /metrics, stopping on
 * signals. Their configuration is read with @lib/config.
 */
export * from './worker-http';
export * from './signals';
