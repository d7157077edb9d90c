/**
 * Roles and the permission matrix of DESIGN 2.5 and 3, in one place for REST and gRPC. `admin` may do everything.
 */
export const ROLES = ['clerk', 'supervisor', 'auditor', 'reporter', 'system', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'policy:issue': ['clerk'],
  'policy:change-contract': ['clerk'],
  'policy:cancel-scheduled-change': ['clerk'],
  'policy:change-beneficiaries': ['clerk'],
  'policy:send-premium-reminder': ['clerk', 'system'],
  'policy:record-reminder-delivery': ['clerk', 'system'],
  'policy:record-premium-payment': ['clerk', 'system'],
  'policy:lapse': ['system'],
  'policy:waive-premium': ['supervisor'],
  'policy:reinstate': ['supervisor'],
  'policy:transfer': ['clerk'],
  'policy:pay-survival-benefit': ['supervisor'],
  'policy:reassign-orphan': ['supervisor', 'system'],
  /** Terminations for any reason. */
  'policy:terminate': ['supervisor'],
  /** Terminations the scheduler records (DESIGN 2.5): reasons LAPSE_EXPIRED and EXPIRY only. */
  'policy:terminate-scheduled': ['supervisor', 'system'],
  'policy:read': ['clerk', 'supervisor', 'auditor'],
  'agent:register': ['supervisor'],
  'agent:record-departure': ['supervisor'],
  'agent:read': ['clerk', 'supervisor', 'auditor'],
  'report:read': ['reporter', 'auditor', 'supervisor'],
  /** Any authenticated caller (e.g. GET /v1/whoami). */
  authenticated: [...ROLES],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function rolesAllow(roles: readonly string[], permission: Permission): boolean {
  const allowed: readonly string[] = PERMISSIONS[permission];
  return roles.some((role) => role === 'admin' || allowed.includes(role));
}
