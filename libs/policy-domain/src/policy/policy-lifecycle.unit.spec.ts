import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  changeBeneficiaries,
  changeContract,
  cny,
  issuePolicy,
  lapsePolicy,
  payPremium,
  paySurvivalBenefit,
  policyIssued,
  recordDelivery,
  recordPayout,
  reinstatePolicy,
  sendReminder,
  terminatePolicy,
  terminated,
  transferPolicy,
  waivePremium,
} from '../testing/policy-fixtures';
import { type PolicyCommand, type PolicyCommandType } from './policy-commands';
import { POLICY_COMMAND_TYPES } from './policy-decider';
import { type PolicyEvent } from './policy-events';
import { type IssuedPolicy } from './policy-state';

const issued = policyIssued();
const lapsed = [issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])];

/**
 * Every servicing command type (all but IssuePolicy), with no request data: the policy's existence and status are
 * checked before anything the request holds, so a new command type is covered here without being listed.
 */
const servicingCommands: [PolicyCommandType, PolicyCommand][] = POLICY_COMMAND_TYPES.filter(
  (type) => type !== 'IssuePolicy',
).map((type) => [type, { type, data: {}, context: { today: '2026-01-10' } } as unknown as PolicyCommand]);

/** A policy paid up (installments 2–10 on their due dates) whose survival benefits are all paid: matured. */
function matured(): PolicyEvent[] {
  const payments = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => payPremium(n, `${2023 + n}-03-15`));
  const paidUp = [issued, ...eventsOf(payments, [issued])];
  const benefits = [paySurvivalBenefit(1, '2034-03-15'), paySurvivalBenefit(2, '2034-03-15')];
  const benefitsPaid = [...paidUp, ...eventsOf(benefits, paidUp)];
  return [...benefitsPaid, ...eventsOf([paySurvivalBenefit(3, '2044-03-15')], benefitsPaid)];
}

const closedPolicies: [string, PolicyEvent[]][] = [
  ['TERMINATED', [issued, { type: 'PolicyTerminated', data: terminated('2025-01-10', 'DEATH') }]],
  ['MATURED', matured()],
];

describe('policy lifecycle', () => {
  describe.each(closedPolicies)('on a %s policy', (_status, history) => {
    // Paying out what is still owed is the one servicing command a closed policy takes (DESIGN 2.2).
    it.each(servicingCommands.filter(([type]) => type !== 'RecordPayout'))('%s → POLICY_CLOSED', (_type, command) => {
      givenPolicy(history).when(command).thenThrows('POLICY_CLOSED');
    });

    it('RecordPayout is still heard (an unknown payable → PAYABLE_NOT_FOUND, not POLICY_CLOSED)', () => {
      givenPolicy(history).when(recordPayout('P-2024-0001-P9', '2026-01-10')).thenThrows('PAYABLE_NOT_FOUND');
    });

    it('IssuePolicy → POLICY_ALREADY_EXISTS (the number stays taken)', () => {
      givenPolicy(history).when(issuePolicy()).thenThrows('POLICY_ALREADY_EXISTS');
    });
  });

  it.each(servicingCommands)('%s before the policy is issued → 404 POLICY_NOT_FOUND', (_type, command) => {
    const error = givenPolicy([]).when(command).thenThrows('POLICY_NOT_FOUND');
    expect(error.kind).toBe('not_found');
  });

  describe('dates of things that happened may not lie after today', () => {
    const tomorrow = '2026-01-11';
    const today = { today: '2026-01-10' };
    const future: [string, PolicyCommand, PolicyEvent[]][] = [
      ['sentOn', { ...sendReminder(2, 'PRE_DUE', tomorrow), context: today }, [issued]],
      ['recordedOn', { ...recordDelivery('P-2024-0001-R1', 'DELIVERED', tomorrow), context: today }, [issued]],
      ['paidOn (premium)', { ...payPremium(2, tomorrow), context: today }, [issued]],
      ['lapsedOn', { ...lapsePolicy(tomorrow), context: today }, [issued]],
      ['eventDate', { ...waivePremium(tomorrow), context: today }, [issued]],
      ['reinstatedOn', { ...reinstatePolicy(tomorrow, cny(1)), context: today }, lapsed],
      ['terminatedOn', { ...terminatePolicy(tomorrow, 'DEATH'), context: { ...today, product: null } }, [issued]],
      [
        'paidOn (survival benefit)',
        { ...paySurvivalBenefit(1, '2030-01-11'), context: { today: '2030-01-10' } },
        [issued],
      ],
    ];
    it.each(future)('%s after today → DATE_IN_FUTURE', (_field, command, given) => {
      givenPolicy(given).when(command).thenThrows('DATE_IN_FUTURE');
    });

    it('effective dates may lie in the future', () => {
      const later = { today: '2024-03-15' };
      expect(
        givenPolicy([issued])
          .when({ ...transferPolicy({ effectiveDate: '2030-01-01' }), context: later })
          .events(),
      ).toHaveLength(1);
      expect(
        givenPolicy([])
          .when(issuePolicy({}, { today: '2024-01-01' }))
          .events(),
      ).toHaveLength(1);
      expect(
        givenPolicy([issued])
          .when(changeContract('2030-01-01', [{ kind: 'DISCLOSURE', text: 'x' }], '2025-01-01'))
          .events(),
      ).toHaveLength(1);
    });
  });

  describe('TerminatePolicy', () => {
    it.each(['DEATH'] as const)('%s terminates a policy in force', (reason) => {
      givenPolicy([issued])
        .when(terminatePolicy('2025-01-10', reason))
        .then([{ type: 'PolicyTerminated', data: terminated('2025-01-10', reason) }]);
    });

    it.each(['DEATH'] as const)('%s terminates a lapsed policy', (reason) => {
      const history = [...lapsed, ...eventsOf([terminatePolicy('2025-06-10', reason)], lapsed)];
      const policy = policyStateAfter(history) as IssuedPolicy;
      expect(policy.status).toBe('TERMINATED');
      const { payable: _none, ...termination } = terminated('2025-06-10', reason);
      expect(policy.termination).toEqual(termination);
    });
  });

  it('replays a whole servicing history into the expected state', () => {
    const history = eventsOf([
      issuePolicy(),
      sendReminder(2, 'PRE_DUE', '2025-02-13'),
      payPremium(2, '2025-03-10'),
      sendReminder(3, 'OVERDUE_NOTICE', '2026-03-20'),
      recordDelivery('P-2024-0001-R2', 'RETURNED', '2026-03-28'),
      lapsePolicy('2026-05-15'),
      reinstatePolicy('2026-06-01', cny(120_000 + 1_282)),
      changeBeneficiaries({}, '2026-06-02'),
      changeContract('2026-06-02', [{ kind: 'CONTACT', email: 'li@example.cn' }]),
      transferPolicy({ effectiveDate: '2026-07-01' }, { today: '2026-07-01' }),
      waivePremium('2026-08-01'),
      paySurvivalBenefit(1, '2029-03-15'),
    ]);
    const policy = policyStateAfter(history) as IssuedPolicy;
    expect(policy).toMatchObject({
      status: 'IN_FORCE',
      endorsementCount: 2,
      reinstatementCount: 1,
      servicing: { branchCode: 'SH01', region: 'EAST', agentId: 'A-001' },
      waiver: { waivedFromInstallment: 4, waivedFromDate: '2027-03-15' },
      premium: { paidInstallments: 3 },
    });
    expect(policy.reminders.map((reminder) => [reminder.reminderId, reminder.delivery?.outcome ?? null])).toEqual([
      ['P-2024-0001-R1', null],
      ['P-2024-0001-R2', 'RETURNED'],
    ]);
    expect(policy.survivalBenefits[0]!.payment).toMatchObject({ paidOn: '2029-03-15' });
  });
});
