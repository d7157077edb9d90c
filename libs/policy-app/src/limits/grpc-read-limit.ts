import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { finalize, type Observable } from 'rxjs';
import { AuthService, bearerTokenOf } from '../auth/auth.service';
import { metadataValue, type GrpcCall } from '../grpc/grpc-call';
import { ApiProblem } from '../problem/api-problem';
import { ReadLimiter } from './read-limiter';
import { readLimitProblem } from './read-limit-problem';

/** The rows an rpc's request asks for (its page size; a whole streamed history costs a full page). */
type RequestedRows = (request: Record<string, unknown>) => number;

const REQUESTED_ROWS = 'policy-api:requested-rows';

/**
 * Marks an rpc (or every rpc of a controller) as an expensive read: it runs within the caller's read limits and is
 * answered RESOURCE_EXHAUSTED over them. The gRPC twin of EXPENSIVE_REST_READS.
 */
export function ExpensiveGrpcRead(rowsOf: RequestedRows): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(REQUESTED_ROWS, rowsOf), UseInterceptors(GrpcReadLimitInterceptor));
}

/**
 * gRPC side of the read limits; runs after GrpcAuthGuard. The slot is held until the reply is sent, or a server
 * stream ended or was cancelled.
 */
@Injectable()
export class GrpcReadLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly limiter: ReadLimiter,
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = context.getArgByIndex<GrpcCall>(2);
    const actor = this.auth.authenticate(bearerTokenOf(metadataValue(call.metadata, 'authorization')));
    // The guard has authenticated the call already; this only finds its key again.
    if (actor === null) throw new ApiProblem('UNAUTHENTICATED', 'UNAUTHENTICATED', 'A valid API key is required');
    const rowsOf = this.reflector.getAllAndOverride<RequestedRows | undefined>(REQUESTED_ROWS, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.getArgByIndex<Record<string, unknown> | undefined>(0) ?? {};
    const admission = this.limiter.admit(actor.id, rowsOf?.(request) ?? 1);
    // The controller's GrpcProblemFilter answers RESOURCE_EXHAUSTED with the code and a retry-after trailer.
    if (!admission.admitted) throw readLimitProblem(actor.id, admission);
    return next.handle().pipe(finalize(admission.release));
  }
}
