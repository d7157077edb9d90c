import { OPERATIONS } from '../operations/operations';
import { PERMISSIONS, ROLES, rolesAllow, type Permission } from './roles';
import { bearerTokenOf } from './auth.service';

describe('role matrix (DESIGN 2.5 and 3)', () => {
  const allowedRoles = (permission: Permission) => ROLES.filter((role) => rolesAllow([role], permission));

  it.each<[Permission, string[]]>([
    ['policy:terminate', ['supervisor', 'admin']],
    ['policy:terminate-scheduled', ['supervisor', 'system', 'admin']],
    ['policy:read', ['clerk', 'supervisor', 'auditor', 'admin']],
    ['agent:read', ['clerk', 'supervisor', 'auditor', 'admin']],
    ['report:read', ['supervisor', 'auditor', 'reporter', 'admin']],
    ['product:read', [...ROLES]],
  ])('%s → %j', (permission, roles) => {
    expect(allowedRoles(permission)).toEqual(ROLES.filter((role) => roles.includes(role)));
  });

  const grantOf = (name: string) => OPERATIONS.find((operation) => operation.name === name)!.access;
  it.each<[string, string, string[]]>([
    ['IssuePolicy', 'policy:issue', ['clerk', 'admin']],
    ['ChangeContract', 'policy:change-contract', ['clerk', 'admin']],
    ['CancelScheduledChange', 'policy:cancel-scheduled-change', ['clerk', 'admin']],
    ['ChangeBeneficiaries', 'policy:change-beneficiaries', ['clerk', 'admin']],
    ['RecordPremiumPayment', 'policy:record-premium-payment', ['clerk', 'system', 'admin']],
    ['SendPremiumReminder', 'policy:send-premium-reminder', ['clerk', 'system', 'admin']],
    ['RecordReminderDelivery', 'policy:record-reminder-delivery', ['clerk', 'system', 'admin']],
    ['LapsePolicy', 'policy:lapse', ['system', 'admin']],
    ['WaivePremium', 'policy:waive-premium', ['supervisor', 'admin']],
    ['ReinstatePolicy', 'policy:reinstate', ['supervisor', 'admin']],
    ['TransferPolicy', 'policy:transfer', ['clerk', 'admin']],
    ['PaySurvivalBenefit', 'policy:pay-survival-benefit', ['supervisor', 'admin']],
    ['ReassignOrphanPolicy', 'policy:reassign-orphan', ['supervisor', 'system', 'admin']],
    ['TerminatePolicy', 'policy:terminate-scheduled', ['supervisor', 'system', 'admin']],
    ['RegisterAgent', 'agent:register', ['supervisor', 'admin']],
    ['RecordAgentDeparture', 'agent:record-departure', ['supervisor', 'admin']],
  ])('operation %s: %s → %j', (operation, name, roles) => {
    expect(grantOf(operation).name).toBe(name);
    expect(allowedRoles(grantOf(operation))).toEqual(ROLES.filter((role) => roles.includes(role)));
  });

  it('every permission is granted to admin and to at least one other role', () => {
    const permissions: Permission[] = [
      ...(Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]),
      ...OPERATIONS.map((operation) => operation.access),
    ];
    for (const permission of permissions) {
      expect(rolesAllow(['admin'], permission)).toBe(true);
      expect(allowedRoles(permission).length).toBeGreaterThan(1);
    }
  });

  it('a key with several roles gets the union', () => {
    expect(rolesAllow(['auditor', 'system'], grantOf('LapsePolicy'))).toBe(true);
    expect(rolesAllow(['auditor', 'reporter'], grantOf('LapsePolicy'))).toBe(false);
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
