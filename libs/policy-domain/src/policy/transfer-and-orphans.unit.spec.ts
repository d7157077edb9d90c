import { type JsonObject } from '@lib/event-sourcing';
import transferredV1 from '../__fixtures__/policy-transferred.v1.json';
import { policyEventCodec } from '../event-schemas';
import { eventsOf, givenPolicy, policyStateAfter } from '../testing/decider-specification';
import {
  agentSnapshot,
  lapsePolicy,
  policyIssued,
  reassignOrphanPolicy,
  transferPolicy,
} from '../testing/policy-fixtures';
import { type IssuedPolicy } from './policy-state';

const issued = policyIssued(); // serviced by A-001 at BJ01 / NORTH

describe('TransferPolicy', () => {
  it('moves servicing to another branch and region; without a named agent the policy awaits one there (orphaned)', () => {
    const given = [issued];
    givenPolicy(given)
      .when(transferPolicy({ reason: 'CUSTOMER_REQUEST' }))
      .then([
        {
          type: 'PolicyTransferred',
          data: {
            fromBranchCode: 'BJ01',
            toBranchCode: 'SH01',
            fromRegion: 'NORTH',
            toRegion: 'EAST',
            effectiveDate: '2025-01-01',
            reason: 'CUSTOMER_REQUEST',
            toAgentId: null,
            awaitingAgent: true,
          },
        },
      ]);
    const policy = policyStateAfter([...given, ...eventsOf([transferPolicy()], given)]) as IssuedPolicy;
    expect(policy.servicing).toEqual({ branchCode: 'SH01', region: 'EAST', agentId: 'A-001' });
    expect(policy.awaitingServicingAgent).toBe(true);
    // The old branch's agent is still active, yet the policy may be reassigned: it is orphaned in SH01.
    const reassigned = givenPolicy([...given, ...eventsOf([transferPolicy()], given)])
      .when(
        reassignOrphanPolicy('A-200', {
          currentAgent: agentSnapshot('A-001'),
          assignee: agentSnapshot('A-200', { branchCode: 'SH01', region: 'EAST' }),
          strategy: 'BALANCED',
        }),
      )
      .events();
    expect(reassigned[0]!.data).toMatchObject({ fromAgentId: 'A-001', toAgentId: 'A-200' });
  });

  it('a v1 transfer without an agent (recorded when the agent stayed) still reads as the agent staying', () => {
    const policy = policyStateAfter([
      issued,
      policyEventCodec.decode({ ...transferredV1, data: transferredV1.data as JsonObject }),
    ]) as IssuedPolicy;
    expect(policy.servicing).toEqual({ branchCode: 'SH01', region: 'EAST', agentId: 'A-001' });
    expect(policy.awaitingServicingAgent).toBe(false);
  });

  it('with an active servicing agent of the target branch hands the policy to that agent', () => {
    const command = transferPolicy(
      { toAgentId: 'A-200' },
      { toAgent: agentSnapshot('A-200', { branchCode: 'SH01', region: 'EAST' }) },
    );
    const policy = policyStateAfter([issued, ...eventsOf([command], [issued])]) as IssuedPolicy;
    expect(policy.servicing).toEqual({ branchCode: 'SH01', region: 'EAST', agentId: 'A-200' });
  });

  it.each([
    ['not registered', null],
    ['departed', agentSnapshot('A-200', { branchCode: 'SH01', status: 'DEPARTED' })],
    ['a sales agent', agentSnapshot('A-200', { branchCode: 'SH01', role: 'SALES' })],
    ['of another branch', agentSnapshot('A-200', { branchCode: 'GZ01' })],
  ])('to an agent who is %s → ASSIGNEE_NOT_ELIGIBLE', (_case, toAgent) => {
    givenPolicy([issued])
      .when(transferPolicy({ toAgentId: 'A-200' }, { toAgent }))
      .thenThrows('ASSIGNEE_NOT_ELIGIBLE');
  });

  it('to the branch that already services it → TRANSFER_TO_SAME_BRANCH', () => {
    givenPolicy([issued])
      .when(transferPolicy({ toBranchCode: 'BJ01' }))
      .thenThrows('TRANSFER_TO_SAME_BRANCH');
  });

  it('is allowed while lapsed', () => {
    const lapsed = [issued, ...eventsOf([lapsePolicy('2025-05-15')], [issued])];
    expect(
      givenPolicy(lapsed)
        .when(transferPolicy({ effectiveDate: '2025-06-01' }))
        .events(),
    ).toHaveLength(1);
  });
});

describe('ReassignOrphanPolicy', () => {
  it('hands a policy whose agent departed to an active servicing agent', () => {
    givenPolicy([issued])
      .when(reassignOrphanPolicy('A-002', { strategy: 'BALANCED' }))
      .then([
        {
          type: 'OrphanPolicyReassigned',
          data: { fromAgentId: 'A-001', toAgentId: 'A-002', effectiveDate: '2025-02-01', strategy: 'BALANCED' },
        },
      ]);
  });

  it('after reassignment the new agent services the policy', () => {
    const reassigned = [issued, ...eventsOf([reassignOrphanPolicy('A-002')], [issued])];
    expect((policyStateAfter(reassigned) as IssuedPolicy).servicing.agentId).toBe('A-002');
  });

  it('a policy whose agent is unknown to the registry counts as orphaned', () => {
    expect(
      givenPolicy([issued])
        .when(reassignOrphanPolicy('A-002', { currentAgent: null }))
        .events(),
    ).toHaveLength(1);
  });

  it('while the current agent is active → POLICY_NOT_ORPHANED', () => {
    givenPolicy([issued])
      .when(reassignOrphanPolicy('A-002', { currentAgent: agentSnapshot('A-001') }))
      .thenThrows('POLICY_NOT_ORPHANED');
  });

  it('BALANCED or REGION: an assignee outside the policy’s branch or region → ASSIGNEE_NOT_ELIGIBLE; MANUAL may cross', () => {
    const elsewhere = agentSnapshot('A-002', { branchCode: 'SH01', region: 'EAST' });
    givenPolicy([issued])
      .when(reassignOrphanPolicy('A-002', { assignee: elsewhere, strategy: 'BALANCED' }))
      .thenThrows('ASSIGNEE_NOT_ELIGIBLE', /outside the policy's branch BJ01/);
    givenPolicy([issued])
      .when(reassignOrphanPolicy('A-002', { assignee: elsewhere, strategy: 'REGION' }))
      .thenThrows('ASSIGNEE_NOT_ELIGIBLE', /region NORTH/);
    expect(
      givenPolicy([issued])
        .when(reassignOrphanPolicy('A-002', { assignee: elsewhere, strategy: 'MANUAL' }))
        .events(),
    ).toHaveLength(1);
  });

  it.each([
    ['not registered', null],
    ['departed', agentSnapshot('A-002', { status: 'DEPARTED' })],
    ['a sales agent', agentSnapshot('A-002', { role: 'SALES' })],
  ])('to an assignee who is %s → ASSIGNEE_NOT_ELIGIBLE', (_case, assignee) => {
    givenPolicy([issued]).when(reassignOrphanPolicy('A-002', { assignee })).thenThrows('ASSIGNEE_NOT_ELIGIBLE');
  });
});
