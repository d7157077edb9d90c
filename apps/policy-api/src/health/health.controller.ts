import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '../auth/permission.decorator';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';

export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly eventStore: { readonly mode: string; readonly ready: boolean; readonly error?: string };
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle) {}

  @Get()
  @PublicRoute()
  @ApiOperation({ summary: 'Liveness and readiness (the event store answers); no authentication' })
  @ApiOkResponse({ description: 'Ready' })
  @ApiServiceUnavailableResponse({ description: 'The event store is not ready' })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    try {
      await this.eventStore.checkReady();
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
