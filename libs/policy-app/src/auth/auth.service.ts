import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@lib/event-sourcing';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiProblem } from '../problem/api-problem';
import { permissionName, rolesAllow, type Permission } from './roles';

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * API-key authentication and role authorisation, shared by the REST guard and (later) the gRPC interceptors.
 * Keys are looked up by the SHA-256 of the presented secret, so the lookup time does not depend on how much of a
 * secret matches, and no secret is kept in a map key.
 */
@Injectable()
export class AuthService {
  private readonly actorsBySecretDigest = new Map<string, Actor>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    for (const key of config.apiKeys) {
      this.actorsBySecretDigest.set(
        digest(key.secret),
        Object.freeze({ id: key.id, roles: Object.freeze([...key.roles]) }),
      );
    }
  }

  /** The actor of a bearer token (the key's secret), or null for a missing or unknown token. */
  authenticate(bearerToken: string | undefined): Actor | null {
    if (bearerToken === undefined || bearerToken.length === 0 || bearerToken.length > 256) return null;
    return this.actorsBySecretDigest.get(digest(bearerToken)) ?? null;
  }

  authorize(actor: Actor, permission: Permission): boolean {
    return rolesAllow(actor.roles, permission);
  }

  /** @throws ApiProblem FORBIDDEN when the actor's roles do not grant the permission. */
  assertAllowed(actor: Actor, permission: Permission): void {
    if (!this.authorize(actor, permission)) {
      throw new ApiProblem(
        'FORBIDDEN',
        'FORBIDDEN',
        `API key ${actor.id} (roles ${actor.roles.join('+')}) may not ${permissionName(permission)}`,
      );
    }
  }
}

/** `Authorization: Bearer <token>` → token; anything else → undefined. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
