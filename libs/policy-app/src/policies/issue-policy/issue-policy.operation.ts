import {
  EXAMPLE_AGENT_ID,
  EXAMPLE_POLICY_ID,
  EXAMPLE_PRODUCT_CODE,
  exampleCny,
  type PolicyOperation,
} from '../../operations/operation';
import { issuePolicyBody } from '../../grpc/request-bodies';
import { IssuePolicyDto } from './issue-policy.dto';

export const issuePolicy: PolicyOperation<'IssuePolicy', IssuePolicyDto, never> = {
  name: 'IssuePolicy',
  target: 'policy',
  access: { name: 'policy:issue', roles: ['clerk'] },
  summary: 'IssuePolicy (clerk): a new policy; 409 POLICY_ALREADY_EXISTS',
  events: 'PolicyIssued',
  dto: IssuePolicyDto,
  example: {
    policyId: EXAMPLE_POLICY_ID,
    productCode: EXAMPLE_PRODUCT_CODE,
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
    sumAssured: exampleCny(50_000_000),
    premium: {
      modalPremium: exampleCny(1_000_000),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-6222-0001' },
    },
    effectiveDate: '2026-01-15',
    maturityDate: '2046-01-15',
    riders: [
      { code: 'ADD-01', sumAssured: exampleCny(10_000_000), modalPremium: exampleCny(20_000), endDate: '2036-01-15' },
    ],
    survivalBenefits: [
      { periodNo: 1, kind: 'SURVIVAL', dueDate: '2036-01-15', amount: exampleCny(5_000_000) },
      { periodNo: 2, kind: 'MATURITY', dueDate: '2046-01-15', amount: exampleCny(50_000_000) },
    ],
    servicing: { branchCode: 'SH-001', region: 'EAST', agentId: EXAMPLE_AGENT_ID },
  },
  rest: { path: '', ids: {}, creates: true },
  grpc: { toBody: issuePolicyBody },
  targetId: ({ dto }) => dto.policyId,
  // The decider builds PolicyIssued field by field (event-data.ts); the nested DTOs are read, never stored.
  command: async ({ dto, env }) => ({
    type: 'IssuePolicy',
    data: dto,
    context: {
      today: env.today,
      ruleProfile: env.ruleProfile,
      servicingAgent: await env.loadAgent(dto.servicing.agentId),
      product: await env.loadProduct(dto.productCode),
    },
  }),
};
