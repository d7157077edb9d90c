import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiRequest } from '../common/api-request';
import { ApiProblem } from '../problem/api-problem';
import { AuthService, bearerTokenOf } from './auth.service';
import { PERMISSION_METADATA, PUBLIC_ROUTE } from './permission.decorator';
import type { Permission } from './roles';

/** REST: bearer API key → actor (401), then the route's permission (403). The actor is kept on the request. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const permission = this.reflector.getAllAndOverride<Permission | typeof PUBLIC_ROUTE | undefined>(
      PERMISSION_METADATA,
      [context.getHandler(), context.getClass()],
    );
    if (permission === PUBLIC_ROUTE) return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const actor = this.auth.authenticate(bearerTokenOf(request.headers.authorization));
    if (actor === null) {
      throw new ApiProblem(
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'A valid API key is required: Authorization: Bearer <key>',
      );
    }
    request.actor = actor;
    if (permission === undefined) throw new ApiProblem('FORBIDDEN', 'FORBIDDEN', 'This route grants no permission');
    this.auth.assertAllowed(actor, permission);
    return true;
  }
}
