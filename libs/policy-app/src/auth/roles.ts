/**
 * Roles and the permissions of DESIGN 2.5 and 3, in one place for REST and gRPC. `admin` may do everything. Each
 * servicing operation carries its own grant (`Operation.access`); the named permissions here are those of the other
 * routes and the finer checks some operations make on the request.
 */
export const ROLES = ['clerk', 'supervisor', 'auditor', 'reporter', 'system', 'product-manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A permission with the roles it is granted to. */
export interface PermissionGrant {
  /** Its name in FORBIDDEN problems, e.g. `policy:lapse`. */
  readonly name: string;
  readonly roles: readonly Role[];
}

export const PERMISSIONS = {
  /** Terminations for any reason. */
  'policy:terminate': ['supervisor'],
  /** Terminations the scheduler records (DESIGN 2.5): reasons LAPSE_EXPIRED and EXPIRY only. */
  'policy:terminate-scheduled': ['supervisor', 'system'],
  'policy:read': ['clerk', 'supervisor', 'auditor'],
  'agent:read': ['clerk', 'supervisor', 'auditor'],
  /** The product catalogue: every authenticated caller reads it (DESIGN 3). */
  'product:read': [...ROLES],
  'report:read': ['reporter', 'auditor', 'supervisor'],
  /** Any authenticated caller (e.g. GET /v1/whoami). */
  authenticated: [...ROLES],
} as const satisfies Record<string, readonly Role[]>;

/** A named permission, or an operation's own grant. */
export type Permission = keyof typeof PERMISSIONS | PermissionGrant;

export function permissionName(permission: Permission): string {
  return typeof permission === 'string' ? permission : permission.name;
}

export function rolesAllow(roles: readonly string[], permission: Permission): boolean {
  const allowed: readonly string[] = typeof permission === 'string' ? PERMISSIONS[permission] : permission.roles;
  return roles.some((role) => role === 'admin' || allowed.includes(role));
}
