import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { ApiRequest } from '../common/api-request';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { LOGGER } from '../logging/logger';
import { toApiProblem } from './error-classification';
import { sendProblem } from './http-problem';

/**
 * Every error of a REST route becomes problem+json; unexpected ones are logged and answered 500 with no detail.
 * "Cannot serve now" (503) goes to the store's UnavailabilityLog: one warn line per reason, no stack, repeats counted.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<ApiRequest>();
    const response = http.getResponse<Response>();
    const problem = toApiProblem(exception, this.eventStore.isUnavailableError);
    if (problem.kind === 'UNAVAILABLE')
      this.eventStore.unavailability.report(exception, { correlationId: request.correlationId });
    if (problem.kind === 'INTERNAL') {
      this.logger.error(
        { err: exception, correlationId: request.correlationId, url: request.originalUrl },
        'unhandled error',
      );
    }
    if (response.headersSent) return;
    sendProblem(response, problem, request.correlationId);
  }
}
