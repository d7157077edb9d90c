import { ApiProperty } from '@nestjs/swagger';
import {
  JURISDICTIONS,
  POLICY_STATUSES,
  PREMIUM_FREQUENCIES,
  SURVIVAL_BENEFIT_KINDS,
  TERMINATION_REASONS,
  WAIVER_REASONS,
} from '@lib/policy-domain';
import { MoneyDto } from '../../common/dto/money.dto';
import { BeneficiaryDto, PartyDto, PaymentMethodDto, RiderDto, ServicingDto } from '../shared/policy-values.dto';

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
}

class PremiumViewDoc {
  @ApiProperty({ type: () => MoneyDto }) modalPremium!: MoneyDto;
  @ApiProperty({ enum: PREMIUM_FREQUENCIES }) frequency!: string;
  @ApiProperty() paymentTermYears!: number;
  @ApiProperty({ type: () => PaymentMethodDto }) paymentMethod!: PaymentMethodDto;
  @ApiProperty() installmentCount!: number;
  @ApiProperty() paidInstallments!: number;
  @ApiProperty({ type: () => InstallmentDoc, nullable: true }) nextInstallment!: InstallmentDoc | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) lapseEligibleFrom!: string | null;
  @ApiProperty({ type: () => WaiverDoc, nullable: true }) waiver!: WaiverDoc | null;
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

export class PolicyViewDoc {
  @ApiProperty() policyId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ enum: POLICY_STATUSES }) status!: string;
  @ApiProperty({ enum: TERMINATION_REASONS, nullable: true }) statusReason!: string | null;
  @ApiProperty() productCode!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction!: string;
  @ApiProperty({ type: () => PartyDto }) policyholder!: PartyDto;
  @ApiProperty({ type: () => PartyDto }) insured!: PartyDto;
  @ApiProperty({ type: () => BeneficiaryDto, isArray: true }) beneficiaries!: BeneficiaryDto[];
  @ApiProperty({ type: () => MoneyDto }) sumAssured!: MoneyDto;
  @ApiProperty({ type: () => RiderDto, isArray: true }) riders!: RiderDto[];
  @ApiProperty({ type: () => PremiumViewDoc }) premium!: PremiumViewDoc;
  @ApiProperty({ type: () => ServicingViewDoc }) servicing!: ServicingViewDoc;
  @ApiProperty({ type: () => LapseDoc, nullable: true }) lapse!: LapseDoc | null;
  @ApiProperty({ type: () => SurvivalBenefitViewDoc, isArray: true }) survivalBenefits!: SurvivalBenefitViewDoc[];
  @ApiProperty() endorsementCount!: number;
  @ApiProperty({ format: 'date' }) effectiveDate!: string;
  @ApiProperty({ format: 'date' }) maturityDate!: string;
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
