import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Logger } from 'pino';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { LOGGER } from '../logging/logger';
import { POLICY_COMMAND_SERVICE, POLICY_PACKAGE, POLICY_QUERY_SERVICE } from './proto-files';

/** '' is the whole server (what `grpc_health_probe` and load balancers ask by default). */
export const HEALTH_SERVICE_NAMES = [
  '',
  `${POLICY_PACKAGE}.${POLICY_COMMAND_SERVICE}`,
  `${POLICY_PACKAGE}.${POLICY_QUERY_SERVICE}`,
] as const;
const PROBE_INTERVAL_MS = 5_000;

/**
 * grpc.health.v1 for the gRPC server, serving the event store's readiness (the same check as REST /health): SERVING
 * while the store answers, NOT_SERVING otherwise. Checked at start and every few seconds, so Check and Watch answer
 * from memory.
 */
@Injectable()
export class GrpcHealth implements OnModuleDestroy {
  private readonly health = new HealthImplementation(
    Object.fromEntries(HEALTH_SERVICE_NAMES.map((name) => [name, 'NOT_SERVING' as ServingStatus])),
  );
  private timer?: NodeJS.Timeout;
  private status: ServingStatus = 'NOT_SERVING';

  constructor(
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Adds the health service to the gRPC server and starts probing the store. */
  addToServer(server: Pick<Server, 'addService'>): void {
    this.health.addToServer(server as Server);
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Probes the store once and publishes the result. */
  async refresh(): Promise<ServingStatus> {
    let status: ServingStatus;
    try {
      await this.eventStore.checkReady();
      status = 'SERVING';
    } catch (error) {
      status = 'NOT_SERVING';
      if (this.status === 'SERVING') this.logger.warn({ err: error }, 'gRPC health: event store not ready');
    }
    this.status = status;
    for (const name of HEALTH_SERVICE_NAMES) this.health.setStatus(name, status);
    return status;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
