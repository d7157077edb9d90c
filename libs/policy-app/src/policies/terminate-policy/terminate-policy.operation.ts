import type { TerminatePolicyReason } from '@lib/policy-domain';
import { POLICY_ID, policyStateOf, type PolicyOperation } from '../../operations/operation';
import { TerminatePolicyDto } from './terminate-policy.dto';

/** The terminations the scheduler records (DESIGN 2.5 and 6); every other reason is a supervisor's decision. */
const SCHEDULED_REASONS: readonly TerminatePolicyReason[] = ['LAPSE_EXPIRED', 'EXPIRY'];

export const terminatePolicy: PolicyOperation<'TerminatePolicy', TerminatePolicyDto> = {
  name: 'TerminatePolicy',
  target: 'policy',
  // The route admits supervisor and system; the system role may only record LAPSE_EXPIRED and EXPIRY.
  access: { name: 'policy:terminate-scheduled', roles: ['supervisor', 'system'] },
  permissionFor: (dto) => (SCHEDULED_REASONS.includes(dto.reason) ? 'policy:terminate-scheduled' : 'policy:terminate'),
  summary: 'TerminatePolicy (supervisor; system only for LAPSE_EXPIRED and EXPIRY)',
  events: 'PolicyTerminated',
  dto: TerminatePolicyDto,
  example: { terminatedOn: '2026-06-01', reason: 'DEATH' },
  rest: { path: ':id/terminations', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  // The product version the policy was sold under values the refunds of LAPSE_EXPIRED and an age rescission.
  readsState: true,
  command: async ({ dto, env }, loaded) => ({
    type: 'TerminatePolicy',
    data: {
      terminatedOn: dto.terminatedOn,
      reason: dto.reason,
      ...(dto.ground === undefined ? {} : { ground: dto.ground }),
      ...(dto.groundKnownOn === undefined ? {} : { groundKnownOn: dto.groundKnownOn }),
    },
    context: { today: env.today, product: await env.loadSoldUnder(policyStateOf(loaded)) },
  }),
};
