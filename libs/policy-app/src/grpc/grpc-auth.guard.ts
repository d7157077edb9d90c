import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthService, bearerTokenOf } from '../auth/auth.service';
import { PERMISSION_METADATA } from '../auth/permission.decorator';
import type { Permission } from '../auth/roles';
import { ApiProblem } from '../problem/api-problem';
import { establishCorrelationId, metadataValue, setCallActor, type GrpcCall } from './grpc-call';

/**
 * gRPC twin of the REST ApiKeyGuard: the correlation id first (a malformed one is INVALID_ARGUMENT, as REST answers
 * 400 before authenticating), then `authorization: Bearer <key>` → actor (UNAUTHENTICATED), then the method's
 * `@RequirePermission` (PERMISSION_DENIED). Same keys, same role matrix, same AuthService.
 */
@Injectable()
export class GrpcAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const call = context.getArgByIndex<GrpcCall>(2);
    establishCorrelationId(call);
    const actor = this.auth.authenticate(bearerTokenOf(metadataValue(call.metadata, 'authorization')));
    if (actor === null) {
      throw new ApiProblem(
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'A valid API key is required: metadata authorization: Bearer <key>',
      );
    }
    setCallActor(call, actor);
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_METADATA, context.getHandler());
    if (permission === undefined) throw new ApiProblem('FORBIDDEN', 'FORBIDDEN', 'This method grants no permission');
    this.auth.assertAllowed(actor, permission);
    return true;
  }
}
