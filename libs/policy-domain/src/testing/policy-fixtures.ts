/**
 * Builders for a standard issued policy and for each command, with sensible defaults, so a test states only what
 * it is about. Standard policy: P-2024-0001, CN rules, effective 2024-03-15, ANNUAL premium 1,200.00 CNY for 10 years
 * (installments due every Mar 15, 2024–2033), maturity 2044-03-15, survival benefits in 2029 and 2034 and a MATURITY
 * payment on 2044-03-15.
 */
import { type AgentSnapshot, type ReassignmentStrategy } from '../agent/agent-values';
import { type BusinessDate } from '../dates';
import { type Money } from '../money';
import { CN_RULE_PROFILE, type RuleProfile } from '../rule-profiles';
import { type ProductVersion } from '../product/product';
import { publishedProduct } from './product-fixtures';
import { type ContractChange } from '../policy/contract-changes';
import { policyDecider } from '../policy/policy-decider';
import {
  type CancelInFreeLook,
  type CapitalizePolicyLoanInterest,
  type GrantPolicyLoan,
  type RepayPolicyLoan,
  type CancelScheduledChange,
  type ChangeBeneficiaries,
  type ChangeContract,
  type IssuePolicy,
  type IssuePolicyData,
  type LapsePolicy,
  type PaySurvivalBenefit,
  type ReassignOrphanPolicy,
  type RecordPayout,
  type RecordPremiumPayment,
  type RecordReminderDelivery,
  type ReinstatePolicy,
  type SendPremiumReminder,
  type SurrenderPolicy,
  type TerminatePolicy,
  type TransferPolicy,
  type WaivePremium,
} from '../policy/policy-commands';
import { type PolicyIssued, type PolicyTerminated } from '../policy/policy-events';
import { type Beneficiary, type Party, type Payee } from '../policy/policy-values';

export const POLICY_ID = 'P-2024-0001';
export const EFFECTIVE_DATE = '2024-03-15';
export const MATURITY_DATE = '2044-03-15';
export const ANNUAL_PREMIUM = 120_000;

export function cny(amount: number): Money {
  return { amount, currency: 'CNY' };
}

export const POLICYHOLDER: Party = {
  name: 'Li Wei',
  gender: 'M',
  birthDate: '1980-01-01',
  idType: 'ID_CARD',
  idNumber: '110101198001010011',
  phone: '+86 138 0000 0001',
};

export const INSURED: Party = {
  name: 'Wang Fang',
  gender: 'F',
  birthDate: '1982-05-20',
  idType: 'ID_CARD',
  idNumber: '110101198205200022',
};

export const CHILD_BENEFICIARY: Beneficiary = {
  name: 'Li Ming',
  relationship: 'CHILD',
  idType: 'ID_CARD',
  idNumber: '110101201001010033',
  order: 1,
  sharePercent: 100,
};

export function issuePolicyData(overrides: Partial<IssuePolicyData> = {}): IssuePolicyData {
  return {
    policyId: POLICY_ID,
    productCode: 'ENDOW-20',
    currency: 'CNY',
    policyholder: POLICYHOLDER,
    insured: INSURED,
    beneficiaries: [CHILD_BENEFICIARY],
    sumAssured: cny(10_000_000),
    premium: {
      modalPremium: cny(ANNUAL_PREMIUM),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
    },
    effectiveDate: EFFECTIVE_DATE,
    maturityDate: MATURITY_DATE,
    riders: [{ code: 'ADB', sumAssured: cny(5_000_000), modalPremium: cny(0), endDate: '2034-03-15' }],
    survivalBenefits: [
      { periodNo: 1, kind: 'SURVIVAL', dueDate: '2029-03-15', amount: cny(500_000) },
      { periodNo: 2, kind: 'SURVIVAL', dueDate: '2034-03-15', amount: cny(500_000) },
      { periodNo: 3, kind: 'MATURITY', dueDate: MATURITY_DATE, amount: cny(10_000_000) },
    ],
    servicing: { branchCode: 'BJ01', region: 'NORTH', agentId: 'A-001' },
    ...overrides,
  };
}

export function issuePolicy(
  overrides: Partial<IssuePolicyData> = {},
  context: {
    today?: BusinessDate;
    ruleProfile?: RuleProfile;
    servicingAgent?: AgentSnapshot | null;
    product?: ProductVersion | null;
  } = {},
): IssuePolicy {
  const data = issuePolicyData(overrides);
  return {
    type: 'IssuePolicy',
    data,
    context: {
      today: context.today ?? EFFECTIVE_DATE,
      ruleProfile: context.ruleProfile ?? CN_RULE_PROFILE,
      // The servicing agent of the application, registered and active unless the test says otherwise.
      servicingAgent:
        context.servicingAgent === undefined
          ? { ...data.servicing, role: 'SERVICING', status: 'ACTIVE' }
          : context.servicingAgent,
      // The policy's product, published, unless the test says otherwise.
      product:
        context.product === undefined
          ? publishedProduct(data.productCode, data.currency, (context.ruleProfile ?? CN_RULE_PROFILE).jurisdiction)
          : context.product,
    },
  };
}

/** The PolicyIssued event of the standard policy (decided, so it is always consistent with `decide`). */
export function policyIssued(
  overrides: Partial<IssuePolicyData> = {},
  ruleProfile: RuleProfile = CN_RULE_PROFILE,
): PolicyIssued {
  const [event] = policyDecider.decide(issuePolicy(overrides, { ruleProfile }), policyDecider.initialState());
  return event as PolicyIssued;
}

/** The product version the standard policy is sold under (ENDOW-20 v1: the sample endowment's cash values). */
export const STANDARD_PRODUCT: ProductVersion = publishedProduct('ENDOW-20');

export function changeContract(
  effectiveDate: BusinessDate,
  changes: ContractChange[],
  today = effectiveDate,
  product: ProductVersion | null = STANDARD_PRODUCT,
): ChangeContract {
  return { type: 'ChangeContract', data: { effectiveDate, changes }, context: { today, product } };
}

export function changeBeneficiaries(
  data: Partial<ChangeBeneficiaries['data']> = {},
  today = '2030-01-01',
): ChangeBeneficiaries {
  return {
    type: 'ChangeBeneficiaries',
    data: {
      effectiveDate: '2025-01-10',
      designatedBy: 'INSURED',
      insuredConsent: false,
      beneficiaries: [CHILD_BENEFICIARY],
      ...data,
    },
    context: { today },
  };
}

export function sendReminder(
  installmentNo: number,
  kind: SendPremiumReminder['data']['kind'],
  sentOn: BusinessDate,
  options: { channel?: SendPremiumReminder['data']['channel']; today?: BusinessDate } = {},
): SendPremiumReminder {
  return {
    type: 'SendPremiumReminder',
    data: { installmentNo, kind, channel: options.channel ?? 'LETTER', sentOn },
    context: { today: options.today ?? sentOn },
  };
}

export function recordDelivery(
  reminderId: string,
  outcome: RecordReminderDelivery['data']['outcome'],
  recordedOn: BusinessDate,
  today = recordedOn,
): RecordReminderDelivery {
  return { type: 'RecordReminderDelivery', data: { reminderId, outcome, recordedOn }, context: { today } };
}

export function payPremium(
  installmentNo: number,
  paidOn: BusinessDate,
  options: {
    amount?: Money;
    receiptNo?: string;
    method?: RecordPremiumPayment['data']['method'];
    today?: BusinessDate;
  } = {},
): RecordPremiumPayment {
  return {
    type: 'RecordPremiumPayment',
    data: {
      installmentNo,
      amount: options.amount ?? cny(ANNUAL_PREMIUM),
      paidOn,
      receiptNo: options.receiptNo ?? `RCPT-${installmentNo}`,
      ...(options.method ? { method: options.method } : {}),
    },
    context: { today: options.today ?? paidOn },
  };
}

export function lapsePolicy(lapsedOn: BusinessDate, today = lapsedOn): LapsePolicy {
  return { type: 'LapsePolicy', data: { lapsedOn }, context: { today } };
}

export function waivePremium(
  eventDate: BusinessDate,
  options: { reason?: WaivePremium['data']['reason']; evidenceRef?: string; today?: BusinessDate } = {},
): WaivePremium {
  return {
    type: 'WaivePremium',
    data: {
      reason: options.reason ?? 'POLICYHOLDER_TOTAL_DISABILITY',
      eventDate,
      evidenceRef: options.evidenceRef ?? 'MED-77',
    },
    context: { today: options.today ?? eventDate },
  };
}

export function reinstatePolicy(
  reinstatedOn: BusinessDate,
  arrearsPaid: Money,
  options: { healthDeclarationRef?: string; today?: BusinessDate } = {},
): ReinstatePolicy {
  return {
    type: 'ReinstatePolicy',
    data: { reinstatedOn, arrearsPaid, healthDeclarationRef: options.healthDeclarationRef ?? 'HD-1' },
    context: { today: options.today ?? reinstatedOn },
  };
}

export function agentSnapshot(agentId: string, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return { agentId, role: 'SERVICING', status: 'ACTIVE', branchCode: 'BJ01', region: 'NORTH', ...overrides };
}

export function transferPolicy(
  data: Partial<TransferPolicy['data']> = {},
  context: Partial<TransferPolicy['context']> = {},
): TransferPolicy {
  return {
    type: 'TransferPolicy',
    data: { toBranchCode: 'SH01', toRegion: 'EAST', effectiveDate: '2025-01-01', reason: 'RELOCATION', ...data },
    context: { today: '2025-01-01', ...context },
  };
}

export function paySurvivalBenefit(
  periodNo: number,
  paidOn: BusinessDate,
  options: { lifeConfirmationRef?: string; today?: BusinessDate } = {},
): PaySurvivalBenefit {
  return {
    type: 'PaySurvivalBenefit',
    data: {
      periodNo,
      paidOn,
      payee: { name: POLICYHOLDER.name, accountRef: 'ACC-1' },
      paymentRef: `PAY-${periodNo}`,
      lifeConfirmationRef: options.lifeConfirmationRef ?? `LIFE-${periodNo}`,
    },
    context: { today: options.today ?? paidOn },
  };
}

export function reassignOrphanPolicy(
  toAgentId: string,
  context: {
    currentAgent?: AgentSnapshot | null;
    assignee?: AgentSnapshot | null;
    strategy?: ReassignmentStrategy;
    today?: BusinessDate;
  } = {},
): ReassignOrphanPolicy {
  return {
    type: 'ReassignOrphanPolicy',
    data: { toAgentId, effectiveDate: '2025-02-01' },
    context: {
      today: context.today ?? '2025-02-01',
      currentAgent:
        context.currentAgent === undefined ? agentSnapshot('A-001', { status: 'DEPARTED' }) : context.currentAgent,
      assignee: context.assignee === undefined ? agentSnapshot(toAgentId) : context.assignee,
      strategy: context.strategy ?? 'MANUAL',
    },
  };
}

export function terminatePolicy(
  terminatedOn: BusinessDate,
  reason: TerminatePolicy['data']['reason'],
  today = terminatedOn,
  rescission: Pick<TerminatePolicy['data'], 'ground' | 'groundKnownOn'> = {},
  product: ProductVersion | null = STANDARD_PRODUCT,
): TerminatePolicy {
  return { type: 'TerminatePolicy', data: { terminatedOn, reason, ...rescission }, context: { today, product } };
}

/** PolicyTerminated data without rescission ground or refund. */
export function terminated(
  terminatedOn: BusinessDate,
  reason: TerminatePolicy['data']['reason'],
): PolicyTerminated['data'] {
  return { terminatedOn, reason, ground: null, groundKnownOn: null, refund: null, payable: null };
}

/** The policyholder's bank account, where the standard policy's money goes back to. */
export const POLICYHOLDER_PAYEE: Payee = { name: POLICYHOLDER.name, accountRef: 'ACC-1' };

export function cancelInFreeLook(
  requestedOn: BusinessDate,
  options: { today?: BusinessDate; payee?: Payee; product?: ProductVersion | null } = {},
): CancelInFreeLook {
  return {
    type: 'CancelInFreeLook',
    data: { requestedOn, payee: options.payee ?? POLICYHOLDER_PAYEE },
    context: {
      today: options.today ?? requestedOn,
      product: options.product === undefined ? STANDARD_PRODUCT : options.product,
    },
  };
}

export function surrenderPolicy(
  requestedOn: BusinessDate,
  options: { today?: BusinessDate; payee?: Payee; product?: ProductVersion | null } = {},
): SurrenderPolicy {
  return {
    type: 'SurrenderPolicy',
    data: { requestedOn, payee: options.payee ?? POLICYHOLDER_PAYEE },
    context: {
      today: options.today ?? requestedOn,
      product: options.product === undefined ? STANDARD_PRODUCT : options.product,
    },
  };
}

export function recordPayout(
  payableId: string,
  paidOn: BusinessDate,
  options: { today?: BusinessDate; paymentRef?: string } = {},
): RecordPayout {
  return {
    type: 'RecordPayout',
    data: { payableId, paidOn, paymentRef: options.paymentRef ?? `PAY-${payableId}` },
    context: { today: options.today ?? paidOn },
  };
}

export function cancelScheduledChange(endorsementNo: string, today: BusinessDate): CancelScheduledChange {
  return { type: 'CancelScheduledChange', data: { endorsementNo }, context: { today } };
}

export function grantLoan(
  amount: number,
  grantedOn: BusinessDate,
  options: { today?: BusinessDate; payee?: Payee; product?: ProductVersion | null } = {},
): GrantPolicyLoan {
  return {
    type: 'GrantPolicyLoan',
    data: { amount: cny(amount), grantedOn, payee: options.payee ?? POLICYHOLDER_PAYEE },
    context: {
      today: options.today ?? grantedOn,
      product: options.product === undefined ? STANDARD_PRODUCT : options.product,
    },
  };
}

export function repayLoan(amount: number, paidOn: BusinessDate, receiptNo = `RL-${paidOn}`): RepayPolicyLoan {
  return { type: 'RepayPolicyLoan', data: { amount: cny(amount), paidOn, receiptNo }, context: { today: paidOn } };
}

export function capitalizeLoanInterest(anniversary: BusinessDate, today = anniversary): CapitalizePolicyLoanInterest {
  return { type: 'CapitalizePolicyLoanInterest', data: { anniversary }, context: { today } };
}
