import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsObject, ValidateNested } from 'class-validator';
import { CONTRACT_CHANGE_KINDS, GENDERS, ID_TYPES, PREMIUM_FREQUENCIES } from '@lib/policy-domain';
import {
  BooleanField,
  DateField,
  EMAIL_PATTERN,
  EnumField,
  IntField,
  NestedArrayField,
  NestedField,
  TextField,
} from '../../common/dto/fields';
import { MoneyDto } from '../../common/dto/money.dto';
import {
  CODE_MESSAGE,
  CODE_PATTERN,
  PartyDto,
  PaymentMethodDto,
  REFERENCE_MAX,
  RiderDto,
} from '../shared/policy-values.dto';

const PARTIES = ['POLICYHOLDER', 'INSURED'] as const;
const RECEIVING_METHODS = ['LUMP_SUM', 'ANNUAL', 'MONTHLY'] as const;

/**
 * The discriminated change kinds of ChangeContract (`changes[].kind`). class-transformer picks the subclass by
 * `kind`; an unknown kind stays this base class and fails on `kind` (and on every field it does not know).
 */
class ContractChangeDto {
  @IsDefined()
  @IsIn(CONTRACT_CHANGE_KINDS as unknown as string[], {
    message: `$property must be one of ${CONTRACT_CHANGE_KINDS.join(', ')}`,
  })
  @ApiProperty({ enum: CONTRACT_CHANGE_KINDS })
  kind!: (typeof CONTRACT_CHANGE_KINDS)[number];
}

class ContactChangeDto extends ContractChangeDto {
  declare kind: 'CONTACT';
  @EnumField(PARTIES, { optional: true, description: 'Whose contact details: POLICYHOLDER (default) or INSURED' })
  party?: (typeof PARTIES)[number];
  @TextField(32, {
    optional: true,
    pattern: /^\+?[0-9 ()-]{3,32}$/,
    patternMessage: '$property must be a phone number',
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
}

class PolicyholderChangeDto extends ContractChangeDto {
  declare kind: 'POLICYHOLDER';
  @NestedField(() => PartyDto)
  newPolicyholder!: PartyDto;
  @BooleanField({ description: 'Must be true' })
  insuredConsent!: boolean;
  @BooleanField({ description: 'Must be true' })
  previousPolicyholderConsent!: boolean;
}

class PersonalDetailsChangeDto extends ContractChangeDto {
  declare kind: 'PERSONAL_DETAILS';
  @EnumField(PARTIES)
  party!: (typeof PARTIES)[number];
  @TextField(100, { optional: true })
  name?: string;
  @EnumField(GENDERS, { optional: true })
  gender?: (typeof GENDERS)[number];
  @DateField({ optional: true })
  birthDate?: string;
  @EnumField(ID_TYPES, { optional: true })
  idType?: (typeof ID_TYPES)[number];
  @TextField(64, { optional: true })
  idNumber?: string;
}

class OccupationChangeDto extends ContractChangeDto {
  declare kind: 'OCCUPATION';
  @EnumField(PARTIES)
  party!: (typeof PARTIES)[number];
  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE })
  occupationCode!: string;
}

class PaymentMethodChangeDto extends ContractChangeDto {
  declare kind: 'PAYMENT_METHOD';
  @NestedField(() => PaymentMethodDto)
  paymentMethod!: PaymentMethodDto;
}

/** A rider's modal premium for the new frequency of a PREMIUM_FREQUENCY change. */
class RiderPremiumDto {
  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE, example: 'ADD-01' })
  code!: string;
  @NestedField(() => MoneyDto)
  modalPremium!: MoneyDto;
}

class PremiumFrequencyChangeDto extends ContractChangeDto {
  declare kind: 'PREMIUM_FREQUENCY';
  @EnumField(PREMIUM_FREQUENCIES, { description: 'Effective on a policy anniversary only' })
  frequency!: (typeof PREMIUM_FREQUENCIES)[number];
  @NestedField(() => MoneyDto, { description: 'The base premium per installment at the new frequency' })
  modalPremium!: MoneyDto;
  @NestedArrayField(() => RiderPremiumDto, 0, 20, {
    optional: true,
    description:
      'The modal premium at the new frequency of exactly the riders in force on the effective date ' +
      '(422 RIDER_PREMIUMS_INVALID otherwise); omit or [] when none is',
  })
  riderPremiums?: RiderPremiumDto[];
}

class SumAssuredChangeDto extends ContractChangeDto {
  declare kind: 'SUM_ASSURED';
  @NestedField(() => MoneyDto)
  sumAssured!: MoneyDto;
  @NestedField(() => MoneyDto)
  modalPremium!: MoneyDto;
  @TextField(REFERENCE_MAX, { optional: true, description: 'Required for an increase' })
  underwritingRef?: string;
}

class RiderAddedChangeDto extends ContractChangeDto {
  declare kind: 'RIDER_ADDED';
  @NestedField(() => RiderDto)
  rider!: RiderDto;
}

class RiderRemovedChangeDto extends ContractChangeDto {
  declare kind: 'RIDER_REMOVED';
  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE })
  riderCode!: string;
}

class BenefitOptionChangeDto extends ContractChangeDto {
  declare kind: 'BENEFIT_OPTION';
  @EnumField(RECEIVING_METHODS)
  receivingMethod!: (typeof RECEIVING_METHODS)[number];
  @IntField(0, 120, { optional: true })
  receivingAge?: number;
}

class DisclosureChangeDto extends ContractChangeDto {
  declare kind: 'DISCLOSURE';
  @TextField(4000)
  text!: string;
  @TextField(REFERENCE_MAX, { optional: true })
  documentRef?: string;
}

class AplElectionChangeDto extends ContractChangeDto {
  declare kind: 'APL_ELECTION';
  @BooleanField({ description: 'Elect (true) or withdraw (false) the automatic premium loan (DESIGN 2.10)' })
  elected!: boolean;
}

const CHANGE_TYPES = [
  { name: 'CONTACT', value: ContactChangeDto },
  { name: 'POLICYHOLDER', value: PolicyholderChangeDto },
  { name: 'PERSONAL_DETAILS', value: PersonalDetailsChangeDto },
  { name: 'OCCUPATION', value: OccupationChangeDto },
  { name: 'PAYMENT_METHOD', value: PaymentMethodChangeDto },
  { name: 'PREMIUM_FREQUENCY', value: PremiumFrequencyChangeDto },
  { name: 'SUM_ASSURED', value: SumAssuredChangeDto },
  { name: 'RIDER_ADDED', value: RiderAddedChangeDto },
  { name: 'RIDER_REMOVED', value: RiderRemovedChangeDto },
  { name: 'BENEFIT_OPTION', value: BenefitOptionChangeDto },
  { name: 'DISCLOSURE', value: DisclosureChangeDto },
  { name: 'APL_ELECTION', value: AplElectionChangeDto },
] satisfies { name: (typeof CONTRACT_CHANGE_KINDS)[number]; value: new () => ContractChangeDto }[];

const CHANGE_CLASS_BY_KIND = new Map<unknown, new () => ContractChangeDto>(
  CHANGE_TYPES.map((type) => [type.name, type.value]),
);

/**
 * The discriminator: each element becomes the class of its `kind`; an unknown kind becomes the base class (which
 * rejects it), and anything that is not an object stays as it is for IsObject to reject. (class-transformer's own
 * discriminator option throws on null elements.)
 */
function toChangeInstances(changes: unknown): unknown {
  if (!Array.isArray(changes)) return changes;
  return changes.map((change: unknown) => {
    if (change === null || typeof change !== 'object' || Array.isArray(change)) return change;
    const type = CHANGE_CLASS_BY_KIND.get((change as { kind?: unknown }).kind) ?? ContractChangeDto;
    return plainToInstance(type, change);
  });
}

type AnyContractChangeDto = InstanceType<(typeof CHANGE_TYPES)[number]['value']>;

@ApiExtraModels(...CHANGE_TYPES.map((type) => type.value))
export class ChangeContractDto {
  @DateField()
  effectiveDate!: string;

  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Transform(({ obj }: { obj: Record<string, unknown> }) => toChangeInstances(obj.changes), { toClassOnly: true })
  @ApiProperty({
    description:
      'All changes form one endorsement, applied atomically in order. Premium-affecting kinds (SUM_ASSURED, ' +
      'PREMIUM_FREQUENCY, RIDER_ADDED, RIDER_REMOVED) take effect on an installment due date (PREMIUM_FREQUENCY: a ' +
      'policy anniversary), not before the earliest unpaid installment, not after maturity; one effective after ' +
      'today is scheduled, may hold only premium-affecting kinds, and blocks another premium-affecting change until ' +
      'it takes effect or is cancelled (422 SCHEDULED_CHANGE_PENDING)',
    type: 'array',
    minItems: 1,
    maxItems: 20,
    items: {
      oneOf: CHANGE_TYPES.map((type) => ({ $ref: getSchemaPath(type.value) })),
      discriminator: {
        propertyName: 'kind',
        mapping: Object.fromEntries(CHANGE_TYPES.map((type) => [type.name, getSchemaPath(type.value)])),
      },
    },
  })
  changes!: AnyContractChangeDto[];
}
