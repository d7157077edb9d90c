import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { WaivePremiumDto } from './waive-premium.dto';

export const waivePremium: PolicyOperation<'WaivePremium', WaivePremiumDto> = {
  name: 'WaivePremium',
  target: 'policy',
  access: { name: 'policy:waive-premium', roles: ['supervisor'] },
  summary: 'WaivePremium (supervisor)',
  events: 'PremiumWaived',
  dto: WaivePremiumDto,
  example: { reason: 'POLICYHOLDER_TOTAL_DISABILITY', eventDate: '2026-05-20', evidenceRef: 'MED-2026-0042' },
  rest: { path: ':id/waivers', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  command: ({ dto, env }) => ({
    type: 'WaivePremium',
    data: { reason: dto.reason, eventDate: dto.eventDate, evidenceRef: dto.evidenceRef },
    context: { today: env.today },
  }),
};
