import {
  JURISDICTIONS,
  NONFORFEITURE_OPTIONS,
  PRODUCT_CODE_PATTERN,
  PRODUCT_KINDS,
  productEventCodec,
  type ProductTerms,
} from '@lib/policy-domain';
import { readEventMetadata } from '@lib/event-sourcing';
import {
  BooleanField,
  EnumArrayField,
  EnumField,
  IntArrayField,
  IntField,
  NestedField,
  TextField,
} from '../../common/dto/fields';
import { MoneyDto, moneyOf } from '../../common/dto/money.dto';
import { ProductCodePipe } from '../../common/id-params';
import { exampleCny, type ProductOperation } from '../../operations/operation';

/** Tables run for at most 120 policy years; an entry is at most 10× the sum assured (10,000,000 ppm). */
const TABLE_YEARS = 120;
const MAX_PPM = 10_000_000;

export class FreeLookTermsDto {
  @IntField(1, 366, { description: 'Days from delivery; at least the law’s (CN 15, US 10)' })
  days!: number;

  @NestedField(() => MoneyDto, { description: 'Kept from the refund (CN at most 10 CNY, US none)' })
  costDeduction!: MoneyDto;
}

export class GraceTermsDto {
  @BooleanField({ description: 'A DELIVERED overdue notice shortens the grace period (DESIGN 2.4)' })
  noticeShortensGrace!: boolean;
}

export class LoanTermsDto {
  @IntField(1, 100)
  maxPercentOfCashValue!: number;

  @IntField(0, 10_000)
  interestBasisPoints!: number;
}

export class NonforfeitureTermsDto {
  @EnumArrayField(NONFORFEITURE_OPTIONS)
  options!: (typeof NONFORFEITURE_OPTIONS)[number][];

  @EnumField(['NONE', ...NONFORFEITURE_OPTIONS], { description: 'Applied on a lapse when nothing was elected' })
  default!: 'NONE' | (typeof NONFORFEITURE_OPTIONS)[number];

  @IntArrayField(0, MAX_PPM, TABLE_YEARS, { description: 'RPU: net single premium per unit of SA, by policy year' })
  netSinglePremiumPpm!: number[];

  @IntArrayField(0, MAX_PPM, TABLE_YEARS, { description: 'ETI: cost of term cover per year, by policy year' })
  termCostPpm!: number[];
}

export class PublishProductVersionDto {
  @TextField(200, { example: 'Golden Years Endowment (20 years)' })
  name!: string;

  @EnumField(PRODUCT_KINDS)
  kind!: (typeof PRODUCT_KINDS)[number];

  @EnumField(JURISDICTIONS)
  jurisdiction!: (typeof JURISDICTIONS)[number];

  @TextField(3, { pattern: /^[A-Z]{3}$/, patternMessage: '$property must be an ISO 4217 code such as CNY' })
  currency!: string;

  @NestedField(() => FreeLookTermsDto)
  freeLook!: FreeLookTermsDto;

  @NestedField(() => GraceTermsDto)
  grace!: GraceTermsDto;

  @IntArrayField(0, MAX_PPM, TABLE_YEARS, {
    description: 'Cash value at the end of policy year t ([t-1]), ppm of the sum assured; empty: no cash value',
  })
  cashValuePpm!: number[];

  @NestedField(() => LoanTermsDto, { optional: true, description: 'Left out: the product makes no policy loans' })
  loan?: LoanTermsDto;

  @BooleanField()
  automaticPremiumLoan!: boolean;

  @NestedField(() => NonforfeitureTermsDto)
  nonforfeiture!: NonforfeitureTermsDto;
}

/** DESIGN 2.8: a new, immutable version of a product; its number is assigned (1, 2, …) and answered. */
export const publishProductVersion: ProductOperation<'PublishProductVersion', PublishProductVersionDto> = {
  name: 'PublishProductVersion',
  target: 'product',
  access: { name: 'product:publish', roles: ['product-manager'] },
  summary: 'PublishProductVersion (product-manager): 422 PRODUCT_DEFINITION_INVALID lists every broken rule',
  events: 'ProductVersionPublished',
  dto: PublishProductVersionDto,
  example: {
    name: 'Golden Years Endowment (20 years)',
    kind: 'ENDOWMENT',
    jurisdiction: 'CN',
    currency: 'CNY',
    freeLook: { days: 15, costDeduction: exampleCny(1_000) },
    grace: { noticeShortensGrace: false },
    cashValuePpm: [0, 30_000, 65_000, 90_000, 120_000],
    loan: { maxPercentOfCashValue: 80, interestBasisPoints: 500 },
    automaticPremiumLoan: true,
    nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
  },
  rest: {
    path: ':code/versions',
    ids: { productCode: { pipe: ProductCodePipe, description: `Product code, ${PRODUCT_CODE_PATTERN.source}` } },
  },
  targetId: ({ ids }) => ids.productCode,
  command: ({ dto, ids, env }) => ({
    type: 'PublishProductVersion',
    data: { productCode: ids.productCode, terms: productTermsOf(dto) },
    context: { today: env.today },
  }),
  reply: (events) => ({ version: publishedVersion(events) }),
};

/** The domain's terms, field by field from the validated body (REST, gRPC and `policyctl products import`). */
export function productTermsOf(dto: PublishProductVersionDto): ProductTerms {
  return {
    name: dto.name,
    kind: dto.kind,
    jurisdiction: dto.jurisdiction,
    currency: dto.currency,
    freeLook: { days: dto.freeLook.days, costDeduction: moneyOf(dto.freeLook.costDeduction) },
    grace: { noticeShortensGrace: dto.grace.noticeShortensGrace },
    cashValuePpm: [...dto.cashValuePpm],
    loan:
      dto.loan === undefined
        ? null
        : {
            maxPercentOfCashValue: dto.loan.maxPercentOfCashValue,
            interestBasisPoints: dto.loan.interestBasisPoints,
          },
    automaticPremiumLoan: dto.automaticPremiumLoan,
    nonforfeiture: {
      options: [...dto.nonforfeiture.options],
      default: dto.nonforfeiture.default,
      netSinglePremiumPpm: [...dto.nonforfeiture.netSinglePremiumPpm],
      termCostPpm: [...dto.nonforfeiture.termCostPpm],
    },
  };
}

/** The version number of the ProductVersionPublished written (or replayed for the same Idempotency-Key). */
function publishedVersion(
  events: Parameters<NonNullable<ProductOperation<'PublishProductVersion', object>['reply']>>[0],
): number {
  for (const event of events) {
    const decoded = productEventCodec.decode({
      type: event.type,
      data: event.data,
      schemaVersion: readEventMetadata(event.metadata).schemaVersion,
    });
    if (decoded.type === 'ProductVersionPublished') return decoded.data.version;
  }
  throw new Error('PublishProductVersion wrote no ProductVersionPublished event');
}
