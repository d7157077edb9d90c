import { PERMISSIONS, ROLES, rolesAllow, type Permission } from './roles';
import { bearerTokenOf } from './auth.service';

describe('role matrix (DESIGN 2.5 and 3)', () => {
  const allowedRoles = (permission: Permission) => ROLES.filter((role) => rolesAllow([role], permission));

  it.each<[Permission, string[]]>([
    ['policy:issue', ['clerk', 'admin']],
    ['policy:change-contract', ['clerk', 'admin']],
    ['policy:cancel-scheduled-change', ['clerk', 'admin']],
    ['policy:record-premium-payment', ['clerk', 'system', 'admin']],
    ['policy:send-premium-reminder', ['clerk', 'system', 'admin']],
    ['policy:lapse', ['system', 'admin']],
    ['policy:waive-premium', ['supervisor', 'admin']],
    ['policy:reinstate', ['supervisor', 'admin']],
    ['policy:transfer', ['clerk', 'admin']],
    ['policy:pay-survival-benefit', ['supervisor', 'admin']],
    ['policy:reassign-orphan', ['supervisor', 'system', 'admin']],
    ['policy:terminate', ['supervisor', 'admin']],
    ['policy:terminate-scheduled', ['supervisor', 'system', 'admin']],
    ['policy:read', ['clerk', 'supervisor', 'auditor', 'admin']],
    ['agent:register', ['supervisor', 'admin']],
    ['agent:record-departure', ['supervisor', 'admin']],
    ['report:read', ['supervisor', 'auditor', 'reporter', 'admin']],
  ])('%s → %j', (permission, roles) => {
    expect(allowedRoles(permission)).toEqual(ROLES.filter((role) => roles.includes(role)));
  });

  it('every permission is granted to admin and to at least one other role', () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      expect(rolesAllow(['admin'], permission)).toBe(true);
      expect(allowedRoles(permission).length).toBeGreaterThan(1);
    }
  });

  it('a key with several roles gets the union', () => {
    expect(rolesAllow(['auditor', 'system'], 'policy:lapse')).toBe(true);
    expect(rolesAllow(['auditor', 'reporter'], 'policy:lapse')).toBe(false);
    expect(rolesAllow([], 'policy:read')).toBe(false);
  });
});

describe('bearer token', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerTokenOf(header)).toBe(token);
  });
});
