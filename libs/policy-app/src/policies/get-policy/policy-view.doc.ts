import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CONTRACT_CHANGE_KINDS,
  JURISDICTIONS,
  PAYABLE_KINDS,
  POLICY_STATUSES,
  PREMIUM_FREQUENCIES,
  STATUSES_BY_LAW,
  SURVIVAL_BENEFIT_KINDS,
  TERMINATION_REASONS,
  WAIVER_REASONS,
} from '@lib/policy-domain';
import { MoneyDto } from '../../common/dto/money.dto';
import {
  BeneficiaryDto,
  PartyDto,
  PayeeDto,
  PaymentMethodDto,
  RiderDto,
  ServicingDto,
} from '../shared/policy-values.dto';

/** OpenAPI description of the domain's PolicyView (DESIGN 3); the request value classes double as schemas. */
class InstallmentDoc {
  @ApiProperty() installmentNo!: number;
  @ApiProperty({ format: 'date' }) dueDate!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
}

class WaiverDoc {
  @ApiProperty({ enum: WAIVER_REASONS }) reason!: string;
  @ApiProperty({ format: 'date' }) eventDate!: string;
  @ApiProperty() evidenceRef!: string;
  @ApiProperty() waivedFromInstallment!: number;
  @ApiProperty({ format: 'date' }) waivedFromDate!: string;
  @ApiProperty({
    type: () => MoneyDto,
    nullable: true,
    description: 'Premium of installments paid in advance that the waiver covers, owed back; null when none',
  })
  refund!: MoneyDto | null;
}

class PremiumViewDoc {
  @ApiProperty({ type: () => MoneyDto, description: 'The base modal premium in force on effectiveOn (riders apart)' })
  modalPremium!: MoneyDto;
  @ApiProperty({
    type: () => MoneyDto,
    description: 'What an installment due on effectiveOn costs: the base modal premium + every rider in force',
  })
  installmentPremium!: MoneyDto;
  @ApiProperty({ enum: PREMIUM_FREQUENCIES, description: 'The frequency in force on effectiveOn' }) frequency!: string;
  @ApiProperty() paymentTermYears!: number;
  @ApiProperty({ type: () => PaymentMethodDto }) paymentMethod!: PaymentMethodDto;
  @ApiProperty({ description: 'Installments in the schedule, every recorded frequency change included' })
  installmentCount!: number;
  @ApiProperty() paidInstallments!: number;
  @ApiProperty({
    type: () => InstallmentDoc,
    nullable: true,
    description: 'The next unpaid, non-waived installment, priced on the terms in force on its due date',
  })
  nextInstallment!: InstallmentDoc | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) lapseEligibleFrom!: string | null;
  @ApiProperty({ type: () => WaiverDoc, nullable: true }) waiver!: WaiverDoc | null;
}

class RiderViewDoc extends RiderDto {
  @ApiProperty({ format: 'date', description: 'First day the rider is billed and covers (issue or RIDER_ADDED)' })
  startDate!: string;
  @ApiPropertyOptional({
    format: 'date',
    description: 'Effective date of a recorded RIDER_REMOVED (or repricing) that ends it before endDate',
  })
  removedOn?: string;
}

class ScheduledChangeDoc {
  @ApiProperty({
    example: 'P2026000001-E3',
    description: 'A premium-affecting one is withdrawn with POST …/contract-changes/{endorsementNo}/cancellation',
  })
  endorsementNo!: string;
  @ApiProperty({ format: 'date' }) effectiveDate!: string;
  @ApiProperty({
    enum: [...CONTRACT_CHANGE_KINDS, 'BENEFICIARIES'],
    isArray: true,
    description: 'The change kinds of the endorsement (BENEFICIARIES for a beneficiary change)',
  })
  kinds!: string[];
}

class ServicingViewDoc extends ServicingDto {
  @ApiProperty({ description: 'The servicing agent has departed and no one is assigned yet' }) orphaned!: boolean;
}

class LapseDoc {
  @ApiProperty({ format: 'date' }) lapsedOn!: string;
  @ApiProperty({ format: 'date' }) reinstatementDeadline!: string;
}

class SurvivalBenefitViewDoc {
  @ApiProperty() periodNo!: number;
  @ApiProperty({ enum: SURVIVAL_BENEFIT_KINDS }) kind!: string;
  @ApiProperty({ format: 'date' }) dueDate!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ type: String, format: 'date', nullable: true }) paidOn!: string | null;
}

class NonforfeitureViewDoc {
  @ApiProperty({ enum: ['RPU', 'ETI'] }) option!: string;
  @ApiProperty({ format: 'date' }) effectiveOn!: string;
  @ApiProperty({ type: () => MoneyDto, description: 'RPU: the reduced sum assured; ETI: the sum assured' })
  sumAssured!: MoneyDto;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'ETI: the last day of cover' })
  coverEndsOn!: string | null;
}

class LoanGrantDoc {
  @ApiProperty({ description: '{policyId}-L{n}' }) loanNo!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ format: 'date' }) grantedOn!: string;
}

class LoanViewDoc {
  @ApiProperty({ type: () => MoneyDto, description: 'Principal outstanding, capitalized interest included' })
  balance!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto, description: 'Interest accrued to the last balance change, not capitalized' })
  accruedInterest!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto, description: 'Balance + interest accrued up to effectiveOn' }) debt!: MoneyDto;
  @ApiProperty({ example: 500 }) interestBasisPoints!: number;
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The next anniversary capitalizing interest',
  })
  nextCapitalizationOn!: string | null;
  @ApiProperty({ type: () => LoanGrantDoc, isArray: true }) loans!: LoanGrantDoc[];
}

class PayableViewDoc {
  @ApiProperty({ description: '{policyId}-P{n}' }) payableId!: string;
  @ApiProperty({ enum: PAYABLE_KINDS }) kind!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ type: () => PayeeDto }) payee!: PayeeDto;
  @ApiProperty({ format: 'date', description: 'The last day of the legal deadline to pay it' }) dueBy!: string;
  @ApiProperty({ enum: ['DUE', 'PAID', 'WITHDRAWN'] }) status!: string;
  @ApiProperty({ description: 'DUE and past dueBy on effectiveOn' }) overdue!: boolean;
  @ApiProperty({ type: String, format: 'date', nullable: true }) paidOn!: string | null;
}

export class PolicyViewDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({
    format: 'date',
    description: 'The business date the contract is shown on (?effectiveOn; default today)',
  })
  effectiveOn!: string;
  @ApiProperty({ enum: POLICY_STATUSES, description: 'The recorded status (the last state-changing event)' })
  status!: string;
  @ApiProperty({
    enum: STATUSES_BY_LAW,
    description:
      'The status the law gives the contract on effectiveOn (DESIGN 2.7): SUSPENDED from the lapse date of an ' +
      'installment unpaid that day, whether or not a lapse was recorded; IN_FORCE includes the grace period',
  })
  statusByLaw!: string;
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The day the suspension began when statusByLaw is SUSPENDED; null otherwise',
  })
  suspendedSince!: string | null;
  @ApiProperty({ enum: TERMINATION_REASONS, nullable: true }) statusReason!: string | null;
  @ApiProperty() productCode!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction!: string;
  @ApiProperty({ type: () => PartyDto }) policyholder!: PartyDto;
  @ApiProperty({ type: () => PartyDto }) insured!: PartyDto;
  @ApiProperty({ type: () => BeneficiaryDto, isArray: true, description: 'In force on effectiveOn' })
  beneficiaries!: BeneficiaryDto[];
  @ApiProperty({ type: () => MoneyDto, description: 'In force on effectiveOn' }) sumAssured!: MoneyDto;
  @ApiProperty({ type: () => RiderViewDoc, isArray: true, description: 'Riders in force on effectiveOn' })
  riders!: RiderViewDoc[];
  @ApiProperty({ type: () => PremiumViewDoc }) premium!: PremiumViewDoc;
  @ApiProperty({ type: () => ServicingViewDoc }) servicing!: ServicingViewDoc;
  @ApiProperty({ type: () => LapseDoc, nullable: true }) lapse!: LapseDoc | null;
  @ApiProperty({ type: () => SurvivalBenefitViewDoc, isArray: true }) survivalBenefits!: SurvivalBenefitViewDoc[];
  @ApiProperty() endorsementCount!: number;
  @ApiProperty({
    type: () => ScheduledChangeDoc,
    isArray: true,
    description: 'Endorsements recorded with an effective date after effectiveOn: not yet part of the contract',
  })
  scheduledChanges!: ScheduledChangeDoc[];
  @ApiProperty({ format: 'date' }) effectiveDate!: string;
  @ApiProperty({ format: 'date' }) maturityDate!: string;
  @ApiProperty({
    type: () => MoneyDto,
    nullable: true,
    description:
      'The cash value on effectiveOn (DESIGN 2.8); null once closed or when the product version has no cash value',
  })
  cashValue!: MoneyDto | null;
  @ApiProperty({ description: 'The automatic premium loan is elected (DESIGN 2.10)' }) automaticPremiumLoan!: boolean;
  @ApiProperty({
    type: () => NonforfeitureViewDoc,
    nullable: true,
    description: 'The nonforfeiture option the policy was converted to (DESIGN 2.10); null otherwise',
  })
  nonforfeiture!: NonforfeitureViewDoc | null;
  @ApiProperty({
    type: () => LoanViewDoc,
    nullable: true,
    description: 'The policy loan account (DESIGN 2.10); null when no loan was ever granted',
  })
  loan!: LoanViewDoc | null;
  @ApiProperty({ type: () => PayableViewDoc, isArray: true, description: 'What the insurer owes or owed (2.9)' })
  payables!: PayableViewDoc[];
}

class HistoryEntryDoc {
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'PremiumPaid' }) type!: string;
  @ApiProperty() schemaVersion!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) recordedAt!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event data as stored (see schemaVersion)',
  })
  data!: object;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'eventId, correlationId, causationId, actor {id, roles}, channel, idempotencyKey?, recordedAt, schemaVersion',
  })
  metadata!: object;
}

export class PolicyEventsPageDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: () => HistoryEntryDoc, isArray: true }) events!: HistoryEntryDoc[];
  @ApiProperty({ type: Number, nullable: true, description: 'fromRevision of the next page; null at the end' })
  nextFromRevision!: number | null;
  @ApiProperty({ description: "The stream's latest revision" }) revision!: number;
}

class QuoteLineDoc {
  @ApiProperty() installmentNo!: number;
  @ApiProperty({ format: 'date' }) dueDate!: string;
  @ApiProperty({ type: () => MoneyDto }) amount!: MoneyDto;
  @ApiProperty() days!: number;
  @ApiProperty({ type: () => MoneyDto }) interest!: MoneyDto;
}

export class ReinstatementQuoteDoc {
  @ApiProperty({ format: 'date' }) onDate!: string;
  @ApiProperty({ type: () => QuoteLineDoc, isArray: true }) installments!: QuoteLineDoc[];
  @ApiProperty({ type: () => MoneyDto }) premiums!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto }) interest!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto }) total!: MoneyDto;
  @ApiProperty() currency!: string;
}

/** The cash value of DESIGN 2.8 on a date, with every term of its computation. */
export class CashValueQuoteDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty({ description: 'The product version the policy was sold under' }) productVersion!: number;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'date', description: 'D: the date asked about' }) onDate!: string;
  @ApiProperty({ format: 'date', description: 'Due date of the earliest unpaid, non-waived installment' })
  paidToDate!: string;
  @ApiProperty({ format: 'date', description: 'D′ = the earlier of D and the paid-to date' }) valuedOn!: string;
  @ApiProperty({ description: 'y: whole policy years completed at D′' }) policyYearsCompleted!: number;
  @ApiProperty({ type: () => MoneyDto, description: 'The sum assured in force at D′' }) sumAssured!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto, description: 'CV_end(y)' }) yearStartValue!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto, description: 'CV_end(y+1)' }) yearEndValue!: MoneyDto;
  @ApiProperty({ description: 'Days from anniversary y to D′' }) daysIntoYear!: number;
  @ApiProperty({ description: 'Days of policy year y+1' }) daysInYear!: number;
  @ApiProperty({ type: () => MoneyDto }) cashValue!: MoneyDto;
}

export class SurrenderQuoteDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'date', description: 'The date the surrender would be requested on' }) onDate!: string;
  @ApiProperty({ type: () => MoneyDto, description: 'The cash value on onDate (0 for a product without one)' })
  cashValue!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto }) loanDebt!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto, description: 'Premium received for installments due after onDate' })
  prepaidPremium!: MoneyDto;
  @ApiProperty({ type: () => MoneyDto, description: 'cashValue − loanDebt + prepaidPremium, never below 0' })
  payout!: MoneyDto;
  @ApiProperty({ format: 'date', description: 'The last day to pay it: 30 days after the request (art. 47)' })
  dueBy!: string;
}

export class LoanQuoteDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'date' }) onDate!: string;
  @ApiProperty({ type: () => MoneyDto }) cashValue!: MoneyDto;
  @ApiProperty({ example: 80 }) maxPercentOfCashValue!: number;
  @ApiProperty({ example: 500 }) interestBasisPoints!: number;
  @ApiProperty({ type: () => MoneyDto, description: 'Balance + interest accrued up to onDate' }) debt!: MoneyDto;
  @ApiProperty({
    type: () => MoneyDto,
    description: 'floor(maxPercentOfCashValue × cashValue / 100) − debt, never below 0: the most a new loan may be',
  })
  available!: MoneyDto;
}
