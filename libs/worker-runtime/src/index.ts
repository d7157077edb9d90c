/** libs/worker-runtime: what every background worker (event relay, projector) shares: env config, /health, /metrics. */
export * from './env-config';
export * from './worker-http';
export * from './signals';
