import { Controller, Get, Inject, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '../auth/permission.decorator';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { ReadModelConnection } from '../projections/read-model-connection';
import { FeedHealth } from './feed-health';
import { checkReadiness, type ComponentCheck } from './readiness';

class LivenessReport {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

class EventStoreReadiness {
  @ApiProperty({ enum: ['embedded-sqlite', 'eventstoredb'] }) mode!: string;
  @ApiProperty({ description: 'The store answers reads' }) readable!: boolean;
  @ApiProperty({ description: 'The store takes writes (false e.g. on a full disk: commands answer 503)' })
  writable!: boolean;
  @ApiPropertyOptional({ description: 'Why not, when a check failed' }) error?: string;
}

class ReadModelReadiness {
  @ApiProperty({ enum: ['sqlite', 'postgres'] }) kind!: string;
  @ApiProperty({ description: 'The read models answer a query (reports need them)' }) reachable!: boolean;
  @ApiPropertyOptional({ description: 'Why not, when the check failed' }) error?: string;
}

class FeedReadiness {
  @ApiProperty({
    description:
      'The feed stopped for good: the event store refuses its $all subscription (e.g. a checkpoint that is not an ' +
      'event boundary). It stays stopped until the cause is fixed and the instance restarted.',
  })
  failed!: boolean;
  @ApiPropertyOptional({ description: 'What the event store said, when it failed' }) error?: string;
}

class FeedsReadiness {
  @ApiProperty({
    type: () => FeedReadiness,
    description: 'The in-process projection into the read models (embedded mode); failed: reports are not kept up',
  })
  embeddedProjection!: FeedReadiness;
  @ApiProperty({
    type: () => FeedReadiness,
    description: 'The orphan-reassignment process manager (where ORPHAN_REASSIGNMENT_ENABLED)',
  })
  orphanReassignment!: FeedReadiness;
}

export class ReadinessReport {
  @ApiProperty({ enum: ['ready', 'not-ready'] }) status!: 'ready' | 'not-ready';
  @ApiProperty({ type: () => EventStoreReadiness }) eventStore!: EventStoreReadiness;
  @ApiProperty({ type: () => ReadModelReadiness }) readModels!: ReadModelReadiness;
  @ApiProperty({ type: () => FeedsReadiness }) feeds!: FeedsReadiness;
}

class LegacyEventStoreHealth {
  @ApiProperty() mode!: string;
  @ApiProperty({ description: 'The store answers reads and takes writes' }) ready!: boolean;
  @ApiPropertyOptional() error?: string;
}

class HealthReport {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: 'ok' | 'unavailable';
  @ApiProperty({ type: () => LegacyEventStoreHealth }) eventStore!: LegacyEventStoreHealth;
}

/**
 * Liveness and readiness (DESIGN 3), without authentication. Liveness: the process answers (restart it when it does
 * not). Readiness: it can serve every request: the event store answers and takes writes, the read models answer
 * (route traffic elsewhere while it is not; it turns ready again by itself once a write goes through), and no
 * background feed stopped for good (that one needs an operator: it stays not ready until restarted). `/health` is the
 * older combined check, kept in its shape for existing probes.
 */
@ApiTags('health')
@Controller('health')
@PublicRoute()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
    private readonly readModels: ReadModelConnection,
    private readonly feedHealth: FeedHealth,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers; no authentication' })
  @ApiOkResponse({ type: LivenessReport })
  live(): LivenessReport {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: the event store answers and takes writes, the read models answer, no background feed failed; ' +
      'no authentication',
  })
  @ApiOkResponse({ type: ReadinessReport, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: ReadinessReport, description: 'Not ready: see which part and why' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const readiness = await checkReadiness(this.eventStore, this.readModels, this.feedHealth);
    if (!readiness.ready) response.status(503);
    const { readable, writable } = readiness.eventStore;
    const { reachable } = readiness.readModels;
    const storeError = readable.detail ?? writable.detail;
    const { embeddedProjection, orphanReassignment } = readiness.feeds;
    return {
      status: readiness.ready ? 'ready' : 'not-ready',
      eventStore: {
        mode: readiness.eventStore.mode,
        readable: readable.ok,
        writable: writable.ok,
        ...(storeError === undefined ? {} : { error: storeError }),
      },
      readModels: {
        kind: readiness.readModels.kind,
        reachable: reachable.ok,
        ...(reachable.detail === undefined ? {} : { error: reachable.detail }),
      },
      feeds: {
        embeddedProjection: feedReadiness(embeddedProjection),
        orphanReassignment: feedReadiness(orphanReassignment),
      },
    };
  }

  @Get()
  @ApiOperation({
    summary: 'The event store answers and takes writes (older combined check; prefer /health/ready and /health/live)',
  })
  @ApiOkResponse({ type: HealthReport, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'The event store is not ready' })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    try {
      await this.eventStore.checkReady();
      await this.eventStore.checkWritable();
      return { status: 'ok', eventStore: { mode: this.eventStore.mode, ready: true } };
    } catch (error) {
      response.status(503);
      return {
        status: 'unavailable',
        eventStore: {
          mode: this.eventStore.mode,
          ready: false,
          error: error instanceof Error ? error.message : String(error),
        },
      };
    }
  }
}

function feedReadiness(check: ComponentCheck): FeedReadiness {
  return { failed: !check.ok, ...(check.detail === undefined ? {} : { error: check.detail }) };
}
