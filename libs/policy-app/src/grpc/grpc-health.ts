import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Logger } from 'pino';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { FeedHealth } from '../health/feed-health';
import { checkReadiness, type Readiness } from '../health/readiness';
import { LOGGER } from '../logging/logger';
import { ReadModelConnection } from '../projections/read-model-connection';
import { GRPC_PACKAGE_DEFINITION } from './grpc-messages';
import { POLICY_COMMAND_SERVICE, POLICY_PACKAGE, POLICY_QUERY_SERVICE, REPORT_SERVICE } from './proto-files';

/** While nothing has been SERVING yet (start-up), checks run this often; afterwards every PROBE_INTERVAL_MS. */
const STARTING_PROBE_INTERVAL_MS = 1_000;
const PROBE_INTERVAL_MS = 5_000;

/**
 * What each service needs to serve (see Readiness): commands write to the event store, queries read it, reports read
 * the read models, kept up by the embedded projection where this process runs it. A service of the package not
 * listed here needs everything.
 */
const SERVICE_NEEDS: Readonly<Record<string, (readiness: Readiness) => boolean>> = {
  [`${POLICY_PACKAGE}.${POLICY_COMMAND_SERVICE}`]: (r) => r.eventStore.readable.ok && r.eventStore.writable.ok,
  [`${POLICY_PACKAGE}.${POLICY_QUERY_SERVICE}`]: (r) => r.eventStore.readable.ok,
  [`${POLICY_PACKAGE}.${REPORT_SERVICE}`]: (r) => r.readModels.reachable.ok && r.feeds.embeddedProjection.ok,
};

/** '' (the whole server: what `grpc_health_probe` and load balancers ask by default) and every service served. */
function healthServiceNames(definition: PackageDefinition): string[] {
  const services = Object.entries(definition)
    // Message and enum types carry a `format`; a service definition is a map of methods.
    .filter(([name, type]) => name.startsWith(`${POLICY_PACKAGE}.`) && !('format' in type))
    .map(([name]) => name)
    .sort();
  return ['', ...services];
}

/**
 * grpc.health.v1 for the gRPC server, with the readiness of REST `/health/ready` (DESIGN 3 and 4): the server ('')
 * is SERVING when everything is ready; each service when what it needs is (PolicyCommandService: the event store
 * takes writes, so on a full disk it is NOT_SERVING while PolicyQueryService serves; ReportService: the read
 * models and their embedded projection; a failed orphan-reassignment feed takes only the server ('') out). Check and
 * Watch answer from memory.
 *
 * Start-up, honestly: every status is NOT_SERVING until a check has run. The first check runs when the app
 * bootstraps, before the gRPC server accepts calls, so a caller normally never sees that state; if that check fails
 * (EventStoreDB not reachable yet), the statuses stay NOT_SERVING and checks repeat every second until one
 * succeeds, then every 5 s. A change of the store's writability (a refused write, or writes going through again)
 * or a feed that stops for good triggers a check at once.
 */
@Injectable()
export class GrpcHealth implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly serviceNames: readonly string[];
  private readonly health: HealthImplementation;
  private readonly statuses = new Map<string, ServingStatus>();
  private timer?: NodeJS.Timeout;
  private everServing = false;
  private stopWatching?: () => void;
  private stopWatchingFeeds?: () => void;
  private refreshing?: Promise<void>;

  constructor(
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
    private readonly readModels: ReadModelConnection,
    private readonly feedHealth: FeedHealth,
    @Inject(GRPC_PACKAGE_DEFINITION) definition: PackageDefinition,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.serviceNames = healthServiceNames(definition);
    this.health = new HealthImplementation(
      Object.fromEntries(this.serviceNames.map((name) => [name, 'NOT_SERVING' as ServingStatus])),
    );
  }

  /** The first check, before the gRPC server listens (Nest runs this hook before it starts the microservices). */
  async onApplicationBootstrap(): Promise<void> {
    this.stopWatching ??= this.eventStore.onWritabilityChange(() => void this.refresh());
    this.stopWatchingFeeds ??= this.feedHealth.onFailure(() => void this.refresh());
    await this.refresh();
  }

  /** Adds the health service to the gRPC server and keeps checking. */
  addToServer(server: Pick<Server, 'addService'>): void {
    this.health.addToServer(server as Server);
    if (this.statuses.size === 0) void this.refresh();
    this.schedule();
  }

  /** Checks once (concurrent callers share the check) and publishes the statuses. */
  refresh(): Promise<void> {
    this.refreshing ??= this.checkAndPublish().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** The status last published for a service ('' = the server), for tests and logs. */
  statusOf(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopWatching?.();
    this.stopWatchingFeeds?.();
  }

  private async checkAndPublish(): Promise<void> {
    const readiness = await checkReadiness(this.eventStore, this.readModels, this.feedHealth);
    for (const name of this.serviceNames) {
      const needs = SERVICE_NEEDS[name] ?? ((r: Readiness) => r.ready);
      const status: ServingStatus = needs(readiness) ? 'SERVING' : 'NOT_SERVING';
      const previous = this.statuses.get(name);
      if (previous === status) continue;
      this.statuses.set(name, status);
      this.health.setStatus(name, status);
      if (name === '') this.logChange(previous, status, readiness);
    }
    if (this.statuses.get('') === 'SERVING') this.everServing = true;
  }

  /** Info only: the cause (a refused write, a database out of reach) is logged where it happens, as a warning. */
  private logChange(previous: ServingStatus | undefined, status: ServingStatus, readiness: Readiness): void {
    if (status === 'SERVING') {
      this.logger.info('gRPC health: SERVING');
      return;
    }
    const parts = {
      eventStoreReadable: readiness.eventStore.readable.detail ?? true,
      eventStoreWritable: readiness.eventStore.writable.detail ?? true,
      readModelsReachable: readiness.readModels.reachable.detail ?? true,
      embeddedProjection: readiness.feeds.embeddedProjection.detail ?? true,
      orphanReassignment: readiness.feeds.orphanReassignment.detail ?? true,
    };
    this.logger.info(
      parts,
      previous === undefined ? 'gRPC health: NOT_SERVING at start-up' : 'gRPC health: NOT_SERVING',
    );
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        void this.refresh().finally(() => {
          if (this.timer !== undefined) this.schedule();
        });
      },
      this.everServing ? PROBE_INTERVAL_MS : STARTING_PROBE_INTERVAL_MS,
    );
    this.timer.unref();
  }
}
