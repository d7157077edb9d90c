import type { AgentCommand, PolicyCommand, ProductCommand } from '@lib/policy-domain';
import { recordAgentDeparture } from '../agents/record-agent-departure/record-agent-departure.operation';
import { registerAgent } from '../agents/register-agent/register-agent.operation';
import { capitalizePolicyLoanInterest } from '../policies/capitalize-policy-loan-interest/capitalize-policy-loan-interest.operation';
import { grantPolicyLoan } from '../policies/grant-policy-loan/grant-policy-loan.operation';
import { repayPolicyLoan } from '../policies/repay-policy-loan/repay-policy-loan.operation';
import { applyAutomaticPremiumLoan } from '../policies/apply-automatic-premium-loan/apply-automatic-premium-loan.operation';
import { electNonforfeitureOption } from '../policies/elect-nonforfeiture-option/elect-nonforfeiture-option.operation';
import { sendLoanWarning } from '../policies/send-loan-warning/send-loan-warning.operation';
import { cancelInFreeLook } from '../policies/cancel-in-free-look/cancel-in-free-look.operation';
import { cancelScheduledChange } from '../policies/cancel-scheduled-change/cancel-scheduled-change.operation';
import { changeBeneficiaries } from '../policies/change-beneficiaries/change-beneficiaries.operation';
import { changeContract } from '../policies/change-contract/change-contract.operation';
import { issuePolicy } from '../policies/issue-policy/issue-policy.operation';
import { lapsePolicy } from '../policies/lapse-policy/lapse-policy.operation';
import { paySurvivalBenefit } from '../policies/pay-survival-benefit/pay-survival-benefit.operation';
import { reassignOrphanPolicy } from '../policies/reassign-orphan-policy/reassign-orphan-policy.operation';
import { recordPayout } from '../policies/record-payout/record-payout.operation';
import { recordPolicyDelivery } from '../policies/record-policy-delivery/record-policy-delivery.operation';
import { recordPremiumPayment } from '../policies/record-premium-payment/record-premium-payment.operation';
import { recordReminderDelivery } from '../policies/record-reminder-delivery/record-reminder-delivery.operation';
import { reinstatePolicy } from '../policies/reinstate-policy/reinstate-policy.operation';
import { sendPremiumReminder } from '../policies/send-premium-reminder/send-premium-reminder.operation';
import { surrenderPolicy } from '../policies/surrender-policy/surrender-policy.operation';
import { terminatePolicy } from '../policies/terminate-policy/terminate-policy.operation';
import { transferPolicy } from '../policies/transfer-policy/transfer-policy.operation';
import { waivePremium } from '../policies/waive-premium/waive-premium.operation';
import { publishProductVersion } from '../products/publish-product-version/publish-product-version.operation';
import type { AnyOperation } from './operation';

/**
 * Every servicing operation, keyed by its domain command type: a command type without a descriptor (or a descriptor
 * under another name) does not compile. REST routes, gRPC methods, permissions, OpenAPI examples and the tests' route
 * lists are all derived from this list, in this order.
 */
const POLICY_OPERATIONS = {
  IssuePolicy: issuePolicy,
  ChangeContract: changeContract,
  CancelScheduledChange: cancelScheduledChange,
  ChangeBeneficiaries: changeBeneficiaries,
  SendPremiumReminder: sendPremiumReminder,
  RecordReminderDelivery: recordReminderDelivery,
  RecordPremiumPayment: recordPremiumPayment,
  LapsePolicy: lapsePolicy,
  WaivePremium: waivePremium,
  ReinstatePolicy: reinstatePolicy,
  TransferPolicy: transferPolicy,
  PaySurvivalBenefit: paySurvivalBenefit,
  ReassignOrphanPolicy: reassignOrphanPolicy,
  TerminatePolicy: terminatePolicy,
  RecordPolicyDelivery: recordPolicyDelivery,
  CancelInFreeLook: cancelInFreeLook,
  SurrenderPolicy: surrenderPolicy,
  RecordPayout: recordPayout,
  GrantPolicyLoan: grantPolicyLoan,
  RepayPolicyLoan: repayPolicyLoan,
  CapitalizePolicyLoanInterest: capitalizePolicyLoanInterest,
  ApplyAutomaticPremiumLoan: applyAutomaticPremiumLoan,
  ElectNonforfeitureOption: electNonforfeitureOption,
  SendLoanWarning: sendLoanWarning,
} as const satisfies { readonly [Type in PolicyCommand['type']]: AnyOperation & { readonly name: Type } };

const AGENT_OPERATIONS = {
  RegisterAgent: registerAgent,
  RecordAgentDeparture: recordAgentDeparture,
} as const satisfies { readonly [Type in AgentCommand['type']]: AnyOperation & { readonly name: Type } };

const PRODUCT_OPERATIONS = {
  PublishProductVersion: publishProductVersion,
} as const satisfies { readonly [Type in ProductCommand['type']]: AnyOperation & { readonly name: Type } };

export const OPERATIONS: readonly AnyOperation[] = [
  ...Object.values(POLICY_OPERATIONS),
  ...Object.values(AGENT_OPERATIONS),
  ...Object.values(PRODUCT_OPERATIONS),
];
