/** OpenAPI description of the report responses (the shapes of report-items.ts and CaughtUp). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AGENT_ROLES,
  JURISDICTIONS,
  PAYABLE_KINDS,
  PRODUCT_KINDS,
  AGENT_STATUSES,
  POLICY_EVENT_TYPES,
  POLICY_STATUSES,
  REASSIGNMENT_STRATEGIES,
  SURVIVAL_BENEFIT_KINDS,
  TERMINATION_REASONS,
  TRANSFER_REASONS,
} from '@lib/policy-domain';
import { INSTALLMENT_STATUSES } from '@lib/read-models';
import { MoneyDto } from '../common/dto/money.dto';
import { LAG_PROBE_LIMIT } from '../projections/catch-up';

const date = { type: String, format: 'date' } as const;
const nullableDate = { ...date, nullable: true } as const;
const nullableText = { type: String, nullable: true } as const;

class CaughtUpDoc {
  @ApiProperty({ ...nullableText, description: 'The greatest event-log position applied; null before the first' })
  position!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'recordedAt of that event' })
  lastRecordedAt!: string | null;
  @ApiProperty({ description: 'Events applied to the read models so far' })
  eventsApplied!: number;
  @ApiProperty({
    description:
      'Streams the read models stopped projecting at an event they cannot apply (their rows stop before it); 0 normally, cleared by `policyctl rebuild`',
  })
  quarantinedStreams!: number;
  @ApiPropertyOptional({
    description: `Policy and agent events in the log after position (0 = caught up; counted among the next ${LAG_PROBE_LIMIT} events of the log); absent when the event store could not be asked`,
  })
  lagEvents?: number;
  @ApiPropertyOptional({
    description: `True when the log holds at least ${LAG_PROBE_LIMIT} events after position (lagEvents is a lower bound)`,
  })
  lagEventsIsLowerBound?: boolean;
  @ApiPropertyOptional({
    description: 'Seconds since the oldest event not yet applied was recorded (0 when caught up)',
  })
  lagSeconds?: number;
}

abstract class PageDoc {
  @ApiProperty({ ...nullableText, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
  @ApiProperty({ type: () => CaughtUpDoc })
  caughtUp!: CaughtUpDoc;
}

class PremiumDueItemDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() installmentNo!: number;
  @ApiProperty(date) dueDate!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ enum: INSTALLMENT_STATUSES }) status!: string;
  @ApiProperty({ description: 'Open (DUE or REMINDED) and due before asOf' }) overdue!: boolean;
  @ApiProperty(nullableDate) paidOn!: string | null;
  @ApiProperty({ enum: ['AT_ISSUE', 'PREMIUM_PAYMENT', 'REINSTATEMENT'], nullable: true }) settledBy!: string | null;
  @ApiProperty(nullableText) receiptNo!: string | null;
  @ApiProperty() preDueReminders!: number;
  @ApiProperty() overdueNotices!: number;
  @ApiProperty(nullableDate) lastRemindedOn!: string | null;
  @ApiProperty({ enum: POLICY_STATUSES }) policyStatus!: string;
  @ApiProperty() branchCode!: string;
  @ApiProperty() region!: string;
  @ApiProperty() agentId!: string;
}

export class PremiumsDuePageDoc extends PageDoc {
  @ApiProperty({ type: () => PremiumDueItemDoc, isArray: true }) items!: PremiumDueItemDoc[];
}

class ServicingActivityItemDoc {
  @ApiProperty({ ...date, description: "The transaction's business date" }) activityDate!: string;
  @ApiProperty({ description: 'The branch servicing the policy at the time' }) branchCode!: string;
  @ApiProperty({ enum: POLICY_EVENT_TYPES }) transactionType!: string;
  @ApiProperty() transactions!: number;
}

export class ServicingActivityPageDoc extends PageDoc {
  @ApiProperty({ type: () => ServicingActivityItemDoc, isArray: true }) items!: ServicingActivityItemDoc[];
}

class AgentWorkloadItemDoc {
  @ApiProperty() agentId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: AGENT_ROLES }) role!: string;
  @ApiProperty() branchCode!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ enum: AGENT_STATUSES }) status!: string;
  @ApiProperty(nullableDate) departedOn!: string | null;
  @ApiProperty({ enum: REASSIGNMENT_STRATEGIES, nullable: true }) reassignment!: string | null;
  @ApiProperty({ description: 'Policies serviced that are IN_FORCE or LAPSED' }) policies!: number;
  @ApiProperty({ description: 'Unpaid, non-waived installments overdue or due within 60 days of asOf' })
  openReceivables!: number;
  @ApiProperty({ description: 'Of `policies`, those orphaned' }) orphans!: number;
}

export class AgentWorkloadPageDoc extends PageDoc {
  @ApiProperty({ type: () => AgentWorkloadItemDoc, isArray: true }) items!: AgentWorkloadItemDoc[];
}

class SurvivalBenefitItemDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() periodNo!: number;
  @ApiProperty({ enum: SURVIVAL_BENEFIT_KINDS }) kind!: string;
  @ApiProperty(date) dueDate!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ enum: ['DUE', 'PAID', 'CANCELLED'] }) status!: string;
  @ApiProperty(nullableDate) paidOn!: string | null;
  @ApiProperty(nullableText) paymentRef!: string | null;
  @ApiProperty(nullableText) payeeName!: string | null;
  @ApiProperty({ enum: POLICY_STATUSES }) policyStatus!: string;
  @ApiProperty() branchCode!: string;
}

export class SurvivalBenefitsPageDoc extends PageDoc {
  @ApiProperty({ type: () => SurvivalBenefitItemDoc, isArray: true }) items!: SurvivalBenefitItemDoc[];
}

class LapseItemDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty({ description: "1, 2, … in the policy's history" }) lapseNo!: number;
  @ApiProperty(date) lapsedOn!: string;
  @ApiProperty() installmentNo!: number;
  @ApiProperty(date) dueDate!: string;
  @ApiProperty(date) reinstatementDeadline!: string;
  @ApiProperty({ enum: ['LAPSED', 'REINSTATED', 'TERMINATED'] }) status!: string;
  @ApiProperty(nullableDate) reinstatedOn!: string | null;
  @ApiProperty({ type: Number, nullable: true }) installmentsCovered!: number | null;
  @ApiProperty({ type: () => MoneyDto, nullable: true }) reinstatementPremiums!: MoneyDto | null;
  @ApiProperty({ type: () => MoneyDto, nullable: true }) reinstatementInterest!: MoneyDto | null;
  @ApiProperty({ type: () => MoneyDto, nullable: true }) reinstatementTotal!: MoneyDto | null;
  @ApiProperty(nullableDate) terminatedOn!: string | null;
  @ApiProperty({ enum: TERMINATION_REASONS, nullable: true }) terminationReason!: string | null;
  @ApiProperty() branchCode!: string;
}

export class LapsesPageDoc extends PageDoc {
  @ApiProperty({ type: () => LapseItemDoc, isArray: true }) items!: LapseItemDoc[];
}

class TransferItemDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty({ description: 'Revision of the PolicyTransferred event' }) revision!: number;
  @ApiProperty(date) effectiveDate!: string;
  @ApiProperty({ enum: TRANSFER_REASONS }) reason!: string;
  @ApiProperty() fromBranchCode!: string;
  @ApiProperty() toBranchCode!: string;
  @ApiProperty() fromRegion!: string;
  @ApiProperty() toRegion!: string;
  @ApiProperty() fromAgentId!: string;
  @ApiProperty() toAgentId!: string;
}

export class TransfersPageDoc extends PageDoc {
  @ApiProperty({ type: () => TransferItemDoc, isArray: true }) items!: TransferItemDoc[];
}

class LoanItemDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() branchCode!: string;
  @ApiProperty({ type: () => MoneyDto, description: 'Principal outstanding, capitalized interest included' })
  balance!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto }) accruedInterest!: MoneyDto;
  @ApiProperty({ ...date, description: 'Interest accrued to this day (the last balance change)' })
  accruedThrough!: string;
  @ApiProperty({ example: 500 }) interestBasisPoints!: number;
  @ApiProperty({ type: () => MoneyDto, description: 'Balance + interest accrued up to asOf' }) debt!: MoneyDto;
  @ApiProperty(nullableDate) nextCapitalizationOn!: string | null;
  @ApiProperty() loanCount!: number;
}

export class LoansPageDoc extends PageDoc {
  @ApiProperty({ type: () => LoanItemDoc, isArray: true }) items!: LoanItemDoc[];
}

class PayableItemDoc {
  @ApiProperty({ description: '{policyId}-P{n}' }) payableId!: string;
  @ApiProperty() policyId!: string;
  @ApiProperty() branchCode!: string;
  @ApiProperty({ enum: PAYABLE_KINDS }) kind!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ ...date, description: 'Owed from' }) createdOn!: string;
  @ApiProperty({ ...date, description: 'The last day of the legal deadline to pay it' }) dueBy!: string;
  @ApiProperty({ enum: ['DUE', 'PAID', 'WITHDRAWN'] }) status!: string;
  @ApiProperty({ description: 'DUE and past dueBy on asOf' }) overdue!: boolean;
  @ApiProperty(nullableDate) paidOn!: string | null;
  @ApiProperty({ type: String, nullable: true }) paymentRef!: string | null;
}

export class PayablesPageDoc extends PageDoc {
  @ApiProperty({ type: () => PayableItemDoc, isArray: true }) items!: PayableItemDoc[];
}

class ProductItemDoc {
  @ApiProperty({ example: 'CN-ENDOW-20' }) productCode!: string;
  @ApiProperty({ description: 'The latest published version (what a new policy is sold under)', example: 2 })
  latestVersion!: number;
  @ApiProperty({
    description: 'Versions published (numbered 1, 2, … without gaps: equal to latestVersion)',
    example: 2,
  })
  versionCount!: number;
  @ApiProperty({ description: "The latest version's name" }) name!: string;
  @ApiProperty({ enum: PRODUCT_KINDS }) kind!: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ ...date, description: 'When the latest version was published' }) publishedOn!: string;
}

export class ProductsPageDoc extends PageDoc {
  @ApiProperty({ type: () => ProductItemDoc, isArray: true }) items!: ProductItemDoc[];
}
