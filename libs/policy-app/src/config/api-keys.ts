import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../auth/roles';

/** One configured API key: the id becomes the event's `actor.id`, the secret is the bearer token. */
export interface ApiKey {
  readonly id: string;
  readonly secret: string;
  readonly roles: readonly Role[];
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SECRET = /^[\x21-\x7e]{16,256}$/;
const MIN_SECRET_LENGTH = 16;

/**
 * Parses `API_KEYS="id:secret:role+role,…"`. Returns the keys, or the list of problems found (every entry is
 * checked, so one start-up attempt shows all mistakes). Secrets never appear in the messages.
 */
export function parseApiKeys(raw: string): { keys: ApiKey[]; errors: string[] } {
  const keys: ApiKey[] = [];
  const errors: string[] = [];
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) errors.push('API_KEYS: no key given (expected "id:secret:role+role,…")');
  entries.forEach((entry, index) => {
    const label = `API_KEYS entry ${index + 1}`;
    const parts = entry.split(':');
    if (parts.length !== 3) {
      errors.push(`${label}: expected "id:secret:role+role" (3 parts separated by ':'), got ${parts.length} part(s)`);
      return;
    }
    const [id, secret, roleList] = parts;
    if (!KEY_ID.test(id)) errors.push(`${label}: key id must match ${KEY_ID.source}`);
    if (!SECRET.test(secret)) {
      errors.push(
        `${label} (${id}): secret must be ${MIN_SECRET_LENGTH}–256 visible ASCII characters without ':' or ','`,
      );
    }
    const roles = roleList.split('+').map((role) => role.trim());
    const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
    if (unknown.length > 0)
      errors.push(
        `${label} (${id}): unknown role(s) ${unknown.map((r) => JSON.stringify(r)).join(', ')}; allowed: ${ROLES.join(', ')}`,
      );
    if (keys.some((key) => key.id === id)) errors.push(`${label}: duplicate key id ${id}`);
    if (keys.some((key) => key.secret === secret))
      errors.push(`${label} (${id}): the same secret is used by another key`);
    keys.push({ id, secret, roles: [...new Set(roles)] as Role[] });
  });
  return { keys: errors.length === 0 ? keys : [], errors };
}

/** The admin key generated at start-up when API_KEYS is unset in embedded mode. */
export function generateAdminKey(): ApiKey {
  return { id: 'admin', secret: randomBytes(24).toString('base64url'), roles: ['admin'] };
}
