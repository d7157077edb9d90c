/**
 * One example request body per command (DESIGN 3), shown in /docs and carried in /docs-json as the request body's
 * `example`. Each is typed as its DTO, so an example that misses a required field or misspells one does not compile;
 * the OpenAPI test checks that every command route has one, that it matches its schema, and that the API accepts it
 * as well formed. Together they tell one story: agent AG-1001 services policy P2026000001, a 20-year endowment.
 */
import type { Type } from '@nestjs/common';
import { RecordAgentDepartureDto } from '../agents/record-agent-departure/record-agent-departure.dto';
import { RegisterAgentDto } from '../agents/register-agent/register-agent.dto';
import { CancelScheduledChangeDto } from '../policies/cancel-scheduled-change/cancel-scheduled-change.dto';
import { ChangeBeneficiariesDto } from '../policies/change-beneficiaries/change-beneficiaries.dto';
import { ChangeContractDto } from '../policies/change-contract/change-contract.dto';
import { IssuePolicyDto } from '../policies/issue-policy/issue-policy.dto';
import { LapsePolicyDto } from '../policies/lapse-policy/lapse-policy.dto';
import { PaySurvivalBenefitDto } from '../policies/pay-survival-benefit/pay-survival-benefit.dto';
import { ReassignOrphanPolicyDto } from '../policies/reassign-orphan-policy/reassign-orphan-policy.dto';
import { RecordPremiumPaymentDto } from '../policies/record-premium-payment/record-premium-payment.dto';
import { RecordReminderDeliveryDto } from '../policies/record-reminder-delivery/record-reminder-delivery.dto';
import { ReinstatePolicyDto } from '../policies/reinstate-policy/reinstate-policy.dto';
import { SendPremiumReminderDto } from '../policies/send-premium-reminder/send-premium-reminder.dto';
import { TerminatePolicyDto } from '../policies/terminate-policy/terminate-policy.dto';
import { TransferPolicyDto } from '../policies/transfer-policy/transfer-policy.dto';
import { WaivePremiumDto } from '../policies/waive-premium/waive-premium.dto';

export interface CommandExample {
  /** The request body's DTO; its OpenAPI schema is named after it. */
  readonly dto: Type<unknown>;
  readonly value: object;
}

function example<Dto extends object>(dto: Type<Dto>, value: Dto): CommandExample {
  return { dto, value };
}

/** Money in the currency's minor unit (fen): 1,000,000 = CNY 10,000.00. */
const cny = (amount: number) => ({ amount, currency: 'CNY' });

export const EXAMPLE_AGENT_ID = 'AG-1001';
export const EXAMPLE_POLICY_ID = 'P2026000001';

export const COMMAND_EXAMPLES: readonly CommandExample[] = [
  example(RegisterAgentDto, {
    agentId: EXAMPLE_AGENT_ID,
    name: '王芳',
    role: 'SERVICING',
    branchCode: 'SH-001',
    region: 'EAST',
  }),
  example(RecordAgentDepartureDto, { departedOn: '2026-06-30', reassignment: 'BALANCED' }),
  example(IssuePolicyDto, {
    policyId: EXAMPLE_POLICY_ID,
    productCode: 'ENDOW-20',
    currency: 'CNY',
    policyholder: {
      name: '张三',
      gender: 'M',
      birthDate: '1985-04-12',
      idType: 'ID_CARD',
      idNumber: '110101198504120011',
      phone: '+86 138 0000 0000',
      email: 'zhang.san@example.com',
      address: '上海市浦东新区世纪大道 100 号',
      occupationCode: 'OFFICE-1',
    },
    insured: {
      name: '张小明',
      gender: 'M',
      birthDate: '2012-09-01',
      idType: 'ID_CARD',
      idNumber: '110101201209010031',
    },
    beneficiaries: [
      {
        name: '李娜',
        relationship: 'PARENT',
        idType: 'ID_CARD',
        idNumber: '110101198706150024',
        order: 1,
        sharePercent: 100,
      },
    ],
    sumAssured: cny(50_000_000),
    premium: {
      modalPremium: cny(1_000_000),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-6222-0001' },
    },
    effectiveDate: '2026-01-15',
    maturityDate: '2046-01-15',
    riders: [{ code: 'ADD-01', sumAssured: cny(10_000_000), modalPremium: cny(20_000), endDate: '2036-01-15' }],
    survivalBenefits: [
      { periodNo: 1, kind: 'SURVIVAL', dueDate: '2036-01-15', amount: cny(5_000_000) },
      { periodNo: 2, kind: 'MATURITY', dueDate: '2046-01-15', amount: cny(50_000_000) },
    ],
    servicing: { branchCode: 'SH-001', region: 'EAST', agentId: EXAMPLE_AGENT_ID },
  }),
  example(ChangeContractDto, {
    effectiveDate: '2026-03-01',
    changes: [{ kind: 'CONTACT', phone: '+86 139 1234 5678', email: 'zhang.san@example.org' }],
  }),
  example(CancelScheduledChangeDto, {}),
  example(ChangeBeneficiariesDto, {
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
  }),
  example(SendPremiumReminderDto, { installmentNo: 2, kind: 'PRE_DUE', channel: 'SMS', sentOn: '2026-12-16' }),
  example(RecordReminderDeliveryDto, { outcome: 'DELIVERED', recordedOn: '2026-12-17' }),
  example(RecordPremiumPaymentDto, {
    installmentNo: 2,
    amount: cny(1_020_000),
    paidOn: '2027-01-10',
    receiptNo: 'RCPT-2027-0001',
    method: 'BANK_DEBIT',
  }),
  example(LapsePolicyDto, { lapsedOn: '2027-03-17' }),
  example(WaivePremiumDto, {
    reason: 'POLICYHOLDER_TOTAL_DISABILITY',
    eventDate: '2026-05-20',
    evidenceRef: 'MED-2026-0042',
  }),
  example(ReinstatePolicyDto, {
    reinstatedOn: '2027-05-01',
    arrearsPaid: cny(1_031_234),
    healthDeclarationRef: 'HD-2027-0007',
  }),
  example(TransferPolicyDto, {
    toBranchCode: 'BJ-002',
    toRegion: 'NORTH',
    effectiveDate: '2026-07-01',
    reason: 'RELOCATION',
    toAgentId: 'AG-2001',
  }),
  example(PaySurvivalBenefitDto, {
    periodNo: 1,
    paidOn: '2036-01-15',
    payee: { name: '张三', accountRef: 'ACC-6222-0001' },
    paymentRef: 'PAY-2036-0001',
    lifeConfirmationRef: 'LC-2036-0001',
  }),
  example(ReassignOrphanPolicyDto, { toAgentId: 'AG-1002', effectiveDate: '2026-07-01' }),
  example(TerminatePolicyDto, { terminatedOn: '2026-06-01', reason: 'DEATH' }),
];
