/**
 * Every way `decide` can reject a command. The transport maps `kind` to a status:
 * `conflict` → 409 / ALREADY_EXISTS, `not_found` → 404 / NOT_FOUND, `rule` → 422 / FAILED_PRECONDITION.
 */
export type DomainErrorKind = 'conflict' | 'not_found' | 'rule';

const CONFLICT_CODES = ['POLICY_ALREADY_EXISTS', 'AGENT_ALREADY_EXISTS'] as const;
const NOT_FOUND_CODES = [
  'POLICY_NOT_FOUND',
  'AGENT_NOT_FOUND',
  'REMINDER_NOT_FOUND',
  'PRODUCT_NOT_FOUND',
  'PAYABLE_NOT_FOUND',
] as const;
const RULE_CODES = [
  // any command
  'POLICY_CLOSED',
  'DATE_IN_FUTURE',
  'INVALID_DATE',
  'INVALID_AMOUNT',
  'CURRENCY_MISMATCH',
  'INVALID_CURRENCY',
  'INVALID_POLICY_ID',
  'INVALID_AGENT_ID',
  'POLICY_NOT_IN_FORCE',
  'DATE_BEFORE_POLICY',
  // issue
  'BIRTH_DATE_INVALID',
  'AGENT_NOT_ELIGIBLE',
  'MATURITY_NOT_AFTER_EFFECTIVE_DATE',
  'PAYMENT_TERM_INVALID',
  'SUM_ASSURED_INVALID',
  'SURVIVAL_BENEFIT_OUTSIDE_TERM',
  'SURVIVAL_BENEFIT_PLAN_INVALID',
  // beneficiaries
  'BENEFICIARY_SHARES_INVALID',
  'BENEFICIARY_ORDER_INVALID',
  'DUPLICATE_BENEFICIARY',
  'INSURED_AS_BENEFICIARY',
  'INSURED_CONSENT_REQUIRED',
  // contract changes
  'CONTRACT_CHANGE_EMPTY',
  'POLICYHOLDER_CHANGE_CONSENT_REQUIRED',
  'PREMIUM_OVERDUE',
  'FREQUENCY_CHANGE_NOT_ON_ANNIVERSARY',
  'FREQUENCY_CHANGE_NOT_ALLOWED',
  'UNDERWRITING_REQUIRED',
  'WAIVER_ACTIVE',
  'RIDER_ENDS_AFTER_MATURITY',
  'DUPLICATE_RIDER',
  'UNKNOWN_RIDER',
  'RIDER_TERM_INVALID',
  'RIDER_PREMIUMS_INVALID',
  'NOTHING_TO_CHANGE',
  'EFFECTIVE_DATE_INVALID',
  'SCHEDULED_CHANGE_PENDING',
  'NO_SCHEDULED_CHANGE',
  'SCHEDULED_CHANGE_PREPAID',
  // premiums and reminders
  'INSTALLMENT_NOT_OPEN',
  'INSTALLMENT_NOT_OVERDUE',
  'REMINDER_DELIVERY_ALREADY_RECORDED',
  // products and cash value (DESIGN 2.8)
  'PRODUCT_DEFINITION_INVALID',
  'PRODUCT_NOT_PUBLISHED',
  'PRODUCT_MISMATCH',
  'NO_CASH_VALUE',
  // RecordPolicyDelivery
  'POLICY_ALREADY_DELIVERED',
  'DELIVERY_RECEIPT_REQUIRED',
  // free look, surrender, payables (DESIGN 2.9)
  'FREE_LOOK_EXPIRED',
  'FREE_LOOK_NOT_ALLOWED',
  'PAYEE_REQUIRED',
  'PAYABLE_ALREADY_PAID',
  'PAYABLE_WITHDRAWN',
  'PAYMENT_REF_REQUIRED',
  'PAYOUT_BEFORE_PAYABLE',
  // policy loans (DESIGN 2.10)
  'LOAN_NOT_ALLOWED',
  'LOAN_LIMIT_EXCEEDED',
  'NO_LOAN',
  'REPAYMENT_EXCEEDS_DEBT',
  'CAPITALIZATION_NOT_DUE',
  // automatic premium loan (DESIGN 2.10)
  'APL_NOT_ALLOWED',
  'APL_NOT_ELECTED',
  'APL_INSUFFICIENT_VALUE',
  'APL_APPLIES',
  // nonforfeiture options (DESIGN 2.10)
  'NONFORFEITURE_NOT_OFFERED',
  'NONFORFEITURE_ALREADY_APPLIED',
  'NONFORFEITURE_NO_VALUE',
  'NONFORFEITURE_APPLIES',
  'BENEFIT_NOT_COVERED',
  // the loan lapse (DESIGN 2.10)
  'LOAN_WITHIN_CASH_VALUE',
  'LOAN_BELOW_WARNING',
  'LOAN_WARNING_ALREADY_SENT',
  'LOAN_EXCEEDS_CASH_VALUE',
  'LOAN_OUTSTANDING',
  'INSTALLMENT_OUT_OF_ORDER',
  'PREMIUM_AMOUNT_MISMATCH',
  'DUPLICATE_RECEIPT',
  'GRACE_PERIOD_OVER',
  // lapse, waiver, reinstatement, termination
  'NO_OVERDUE_INSTALLMENT',
  'GRACE_PERIOD_NOT_OVER',
  'WAIVER_ALREADY_ACTIVE',
  'WAIVER_IN_WAITING_PERIOD',
  'WAIVER_EVIDENCE_REQUIRED',
  'WAIVER_REASON_INVALID',
  'NOTHING_TO_WAIVE',
  'POLICY_NOT_LAPSED',
  'REINSTATEMENT_BEFORE_LAPSE',
  'REINSTATEMENT_WINDOW_EXPIRED',
  'HEALTH_DECLARATION_REQUIRED',
  'ARREARS_MISMATCH',
  'REINSTATEMENT_WINDOW_OPEN',
  'EXPIRY_NOT_DUE',
  'RESCISSION_GROUND_REQUIRED',
  'INCONTESTABLE',
  'RESCISSION_RIGHT_EXPIRED',
  'DATE_BEFORE_LAST_TRANSACTION',
  // transfer, benefits, servicing agents
  'TRANSFER_TO_SAME_BRANCH',
  'UNKNOWN_BENEFIT_PERIOD',
  'SURVIVAL_BENEFIT_ALREADY_PAID',
  'BENEFIT_NOT_DUE',
  'EARLIER_BENEFIT_UNPAID',
  'LIFE_CONFIRMATION_REQUIRED',
  'POLICY_NOT_ORPHANED',
  'ASSIGNEE_NOT_ELIGIBLE',
  'AGENT_NOT_ACTIVE',
] as const;

export const DOMAIN_ERROR_CODES = [...CONFLICT_CODES, ...NOT_FOUND_CODES, ...RULE_CODES] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export function domainErrorKindOf(code: DomainErrorCode): DomainErrorKind {
  if ((CONFLICT_CODES as readonly string[]).includes(code)) return 'conflict';
  if ((NOT_FOUND_CODES as readonly string[]).includes(code)) return 'not_found';
  return 'rule';
}

export function isDomainErrorCode(value: unknown): value is DomainErrorCode {
  return typeof value === 'string' && (DOMAIN_ERROR_CODES as readonly string[]).includes(value);
}

/** A rejected command: nothing is written. `detail` is for humans; clients branch on `code`. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly kind: DomainErrorKind;

  constructor(
    readonly code: DomainErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.kind = domainErrorKindOf(code);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
