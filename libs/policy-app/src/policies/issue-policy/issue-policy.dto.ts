import { POLICY_ID_PATTERN } from '@lib/policy-domain';
import { BooleanField, DateField, NestedArrayField, NestedField, TextField } from '../../common/dto/fields';
import { MoneyDto } from '../../common/dto/money.dto';
import {
  BeneficiaryDto,
  CODE_MESSAGE,
  CODE_PATTERN,
  PartyDto,
  PremiumTermsDto,
  RiderDto,
  ServicingDto,
  SurvivalBenefitPlanEntryDto,
} from '../shared/policy-values.dto';

export class IssuePolicyDto {
  @TextField(32, {
    pattern: POLICY_ID_PATTERN,
    patternMessage: `$property must match ${POLICY_ID_PATTERN.source}`,
    example: 'P2026000001',
  })
  policyId!: string;

  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE, example: 'ENDOW-20' })
  productCode!: string;

  @TextField(3, {
    pattern: /^[A-Z]{3}$/,
    patternMessage: '$property must be an ISO 4217 code such as CNY',
    example: 'CNY',
  })
  currency!: string;

  @NestedField(() => PartyDto)
  policyholder!: PartyDto;

  @NestedField(() => PartyDto)
  insured!: PartyDto;

  @NestedArrayField(() => BeneficiaryDto, 0, 20, { description: 'Death beneficiaries; empty = statutory heirs' })
  beneficiaries!: BeneficiaryDto[];

  @NestedField(() => MoneyDto)
  sumAssured!: MoneyDto;

  @NestedField(() => PremiumTermsDto)
  premium!: PremiumTermsDto;

  @DateField()
  effectiveDate!: string;

  @DateField({ example: '2046-01-15' })
  maturityDate!: string;

  @NestedArrayField(() => RiderDto, 0, 20, { optional: true })
  riders?: RiderDto[];

  @NestedArrayField(() => SurvivalBenefitPlanEntryDto, 0, 200, { optional: true })
  survivalBenefits?: SurvivalBenefitPlanEntryDto[];

  @NestedField(() => ServicingDto)
  servicing!: ServicingDto;

  @BooleanField({
    optional: true,
    description: 'Elect the automatic premium loan (DESIGN 2.10); the product must offer it (422 APL_NOT_ALLOWED)',
  })
  automaticPremiumLoan?: boolean;
}
