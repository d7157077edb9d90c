import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { ChangeBeneficiariesDto } from './change-beneficiaries.dto';

export const changeBeneficiaries: PolicyOperation<'ChangeBeneficiaries', ChangeBeneficiariesDto> = {
  name: 'ChangeBeneficiaries',
  target: 'policy',
  access: { name: 'policy:change-beneficiaries', roles: ['clerk'] },
  summary: 'ChangeBeneficiaries (clerk)',
  events: 'BeneficiariesChanged',
  dto: ChangeBeneficiariesDto,
  example: {
    effectiveDate: '2026-03-01',
    designatedBy: 'INSURED',
    insuredConsent: true,
    beneficiaries: [
      {
        name: '李娜',
        relationship: 'PARENT',
        idType: 'ID_CARD',
        idNumber: '110101198706150024',
        order: 1,
        sharePercent: 60,
      },
      { name: '张三', relationship: 'PARENT', order: 1, sharePercent: 40 },
    ],
  },
  rest: { path: ':id/beneficiary-changes', ids: { policyId: POLICY_ID } },
  targetId: ({ ids }) => ids.policyId,
  // The decider builds the event field by field (event-data.ts); the nested DTOs are read, never stored.
  command: ({ dto, env }) => ({ type: 'ChangeBeneficiaries', data: dto, context: { today: env.today } }),
};
