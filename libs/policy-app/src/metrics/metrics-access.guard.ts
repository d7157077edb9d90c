import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthService, bearerTokenOf } from '../auth/auth.service';
import type { Role } from '../auth/roles';
import type { ApiRequest } from '../common/api-request';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';

/**
 * Who may read /metrics: operators (admin), auditors and reporting (reporter, the natural key for a scraper: it
 * grants nothing but reads). Not clerk, supervisor or system: servicing keys have no business with the telemetry.
 */
export const METRICS_READER_ROLES = ['admin', 'auditor', 'reporter'] as const satisfies readonly Role[];

/**
 * GET /metrics: with METRICS_PUBLIC=true anyone (scrapers on a private network); otherwise a bearer API key (401)
 * with one of METRICS_READER_ROLES (403), answered as problem+json like every other route.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.config.metricsPublic) return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const actor = this.auth.authenticate(bearerTokenOf(request.headers.authorization));
    if (actor === null) {
      throw new ApiProblem(
        'UNAUTHENTICATED',
        PROBLEM_CODES.UNAUTHENTICATED,
        'A valid API key is required: Authorization: Bearer <key>',
      );
    }
    request.actor = actor;
    if (!actor.roles.some((role) => (METRICS_READER_ROLES as readonly string[]).includes(role))) {
      throw new ApiProblem(
        'FORBIDDEN',
        PROBLEM_CODES.FORBIDDEN,
        `API key ${actor.id} (roles ${actor.roles.join('+')}) may not read metrics: ` +
          `one of ${METRICS_READER_ROLES.join(', ')} is required`,
      );
    }
    return true;
  }
}
