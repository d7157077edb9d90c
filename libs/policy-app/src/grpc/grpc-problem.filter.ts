import { Catch, Inject, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import type { Logger } from 'pino';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { LOGGER } from '../logging/logger';
import { toApiProblem } from '../problem/error-classification';
import { correlationIdOf } from './grpc-call';
import { grpcErrorOf } from './grpc-errors';

/**
 * Every error of a gRPC method becomes a gRPC status through the same classification as REST (toApiProblem), with
 * the code in the details and trailers; unexpected errors are logged and answered INTERNAL without detail.
 */
@Catch()
export class GrpcProblemFilter implements RpcExceptionFilter<unknown> {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const call = host.getArgByIndex<object>(2);
    const correlationId = correlationIdOf(call);
    const problem = toApiProblem(exception, this.eventStore.isUnavailableError);
    // One line per reason per minute, no stack (the REST filter shares the same log): an outage is not a flood.
    if (problem.kind === 'UNAVAILABLE') this.eventStore.unavailability.report(exception, { correlationId });
    if (problem.kind === 'INTERNAL') this.logger.error({ err: exception, correlationId }, 'unhandled gRPC error');
    return throwError(() => grpcErrorOf(problem, correlationId));
  }
}
