/**
 * The policy servicing application (Nest): the REST and gRPC API, the embedded projection, the scheduler and the
 * orphan process manager. Its entry points are apps: `apps/policy-api` (the server), `apps/scheduler` (the scheduler
 * alone) and `apps/policyctl run-day`; no app imports another.
 */
export { createPolicyApi, type PolicyApiOverrides } from './app.factory';
export { DEFAULT_BUSINESS_TIME_ZONES, loadConfig, readJurisdiction, type AppConfig } from './config/app-config';
export { EVENT_STORE_HANDLE, type EventStoreHandle } from './event-store/event-store.module';
export { businessDateOf, systemClock } from './event-store/system-clock';
export { FEEDS, FeedHealth } from './health/feed-health';
export { createLogger, loggerOptions } from './logging/logger';
export { MetricsService } from './metrics/metrics.service';
export { ProductImport, type ProductImportOutcome } from './products/import-products/import-products';
export { startPolicyApi } from './server';
export { ServicingDay, type ScheduledAction, type ServicingDayReport } from './scheduler/servicing-day';
export { checkDayRange, runServicingDays, type DayRange } from './scheduler/servicing-days';
