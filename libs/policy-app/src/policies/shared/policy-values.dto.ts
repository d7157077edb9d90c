import {
  AGENT_ID_PATTERN,
  GENDERS,
  ID_TYPES,
  PAYMENT_METHOD_TYPES,
  PREMIUM_FREQUENCIES,
  RELATIONSHIPS,
  SURVIVAL_BENEFIT_KINDS,
} from '@lib/policy-domain';
import { DateField, EMAIL_PATTERN, EnumField, IntField, NestedField, TextField } from '../../common/dto/fields';
import { MoneyDto } from '../../common/dto/money.dto';

/** Request value objects shared by several policy commands (DESIGN 3). */

export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
export const CODE_MESSAGE = '$property must be 1–32 characters A–Z, 0–9, _ or -, starting with a letter or digit';
export const REFERENCE_MAX = 128;

export class PartyDto {
  @TextField(100, { example: '张三' })
  name!: string;

  @EnumField(GENDERS)
  gender!: (typeof GENDERS)[number];

  @DateField({ example: '1985-04-12' })
  birthDate!: string;

  @EnumField(ID_TYPES)
  idType!: (typeof ID_TYPES)[number];

  @TextField(64, { example: '110101198504120011' })
  idNumber!: string;

  @TextField(32, {
    optional: true,
    pattern: /^\+?[0-9 ()-]{3,32}$/,
    patternMessage: '$property must be a phone number',
    example: '+86 138 0000 0000',
  })
  phone?: string;

  @TextField(254, {
    optional: true,
    pattern: EMAIL_PATTERN,
    patternMessage: '$property must be an e-mail address',
  })
  email?: string;

  @TextField(500, { optional: true })
  address?: string;

  @TextField(32, { optional: true, pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE })
  occupationCode?: string;
}

export class BeneficiaryDto {
  @TextField(100)
  name!: string;

  @EnumField(RELATIONSHIPS)
  relationship!: (typeof RELATIONSHIPS)[number];

  @EnumField(ID_TYPES, { optional: true })
  idType?: (typeof ID_TYPES)[number];

  @TextField(64, { optional: true })
  idNumber?: string;

  @IntField(1, 9, { description: 'Beneficiary order: order 2 receives only when no order-1 beneficiary survives' })
  order!: number;

  @IntField(1, 100, { description: 'Share within the order; the shares of one order sum to 100' })
  sharePercent!: number;
}

export class RiderDto {
  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE, example: 'ADD-01' })
  code!: string;

  @NestedField(() => MoneyDto)
  sumAssured!: MoneyDto;

  @NestedField(() => MoneyDto)
  modalPremium!: MoneyDto;

  @DateField()
  endDate!: string;
}

export class PaymentMethodDto {
  @EnumField(PAYMENT_METHOD_TYPES)
  type!: (typeof PAYMENT_METHOD_TYPES)[number];

  @TextField(REFERENCE_MAX, { optional: true })
  accountRef?: string;
}

export class PremiumTermsDto {
  @NestedField(() => MoneyDto)
  modalPremium!: MoneyDto;

  @EnumField(PREMIUM_FREQUENCIES)
  frequency!: (typeof PREMIUM_FREQUENCIES)[number];

  @IntField(1, 100)
  paymentTermYears!: number;

  @NestedField(() => PaymentMethodDto)
  paymentMethod!: PaymentMethodDto;
}

export class SurvivalBenefitPlanEntryDto {
  @IntField(1, 1000)
  periodNo!: number;

  @EnumField(SURVIVAL_BENEFIT_KINDS)
  kind!: (typeof SURVIVAL_BENEFIT_KINDS)[number];

  @DateField()
  dueDate!: string;

  @NestedField(() => MoneyDto)
  amount!: MoneyDto;
}

export class ServicingDto {
  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE, example: 'SH-001' })
  branchCode!: string;

  @TextField(64, { example: 'EAST' })
  region!: string;

  @TextField(32, {
    pattern: AGENT_ID_PATTERN,
    patternMessage: `$property must match ${AGENT_ID_PATTERN.source}`,
    example: 'AG-1001',
  })
  agentId!: string;
}

export class PayeeDto {
  @TextField(100)
  name!: string;

  @TextField(REFERENCE_MAX)
  accountRef!: string;
}
