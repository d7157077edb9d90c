import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, registerDecorator, ValidateIf } from 'class-validator';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '@lib/read-models';
import { DateField, EnumField, TextField } from '../common/dto/fields';
import { CODE_MESSAGE, CODE_PATTERN } from '../policies/shared/policy-values.dto';
import type {
  AgentWorkloadRequest,
  LapsesRequest,
  PremiumsDueRequest,
  ProductsRequest,
  ServicingActivityRequest,
  SurvivalBenefitsRequest,
  TransfersRequest,
  PayablesRequest,
  LoansRequest,
} from './report-request';

/**
 * Query strings of GET /v1/reports/* (DESIGN 5), validated once at the edge (REST, and gRPC through the same
 * classes): real dates, from ≤ to, code patterns, limit 1–1000, an opaque cursor.
 */
const LIMIT_PATTERN = /^([1-9]\d{0,2}|1000)$/;
const CURSOR_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The date range must not end before it starts (compared as `YYYY-MM-DD` text, which orders like the dates). */
function NotBeforeFrom(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'notBeforeFrom',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown, args) => {
          const from = (args?.object as { from?: unknown }).from;
          return typeof value !== 'string' || typeof from !== 'string' || from <= value;
        },
        defaultMessage: (args) => `${args?.property ?? 'to'} must not lie before from`,
      },
    });
  };
}

function OptionalQueryText(pattern: RegExp, maxLength: number, message: string, description: string) {
  return applyDecorators(
    ValidateIf((_object, value) => value !== undefined),
    IsString(),
    Length(1, maxLength),
    Matches(pattern, { message }),
    ApiPropertyOptional({ type: String, pattern: pattern.source, maxLength, description }),
  );
}

class ReportPageQueryDto {
  @OptionalQueryText(
    LIMIT_PATTERN,
    4,
    `limit must be an integer 1–${MAX_PAGE_LIMIT}`,
    `Page size 1–${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`,
  )
  limit?: string;

  @OptionalQueryText(
    CURSOR_PATTERN,
    1024,
    'cursor must be the nextCursor of a previous page',
    'The `nextCursor` of the previous page (opaque)',
  )
  cursor?: string;
}

class DateRangeReportQueryDto extends ReportPageQueryDto {
  @DateField({ description: 'First day of the range (inclusive)', example: '2026-01-01' })
  from!: string;

  @DateField({ description: 'Last day of the range (inclusive), not before `from`', example: '2026-12-31' })
  @NotBeforeFrom()
  to!: string;
}

const branchCodeField = () =>
  TextField(32, {
    optional: true,
    pattern: CODE_PATTERN,
    patternMessage: CODE_MESSAGE,
    description: 'Only this branch',
    example: 'SH-001',
  });

export class PremiumsDueQueryDto extends DateRangeReportQueryDto {
  @branchCodeField()
  branchCode?: string;

  @DateField({ optional: true, description: 'The day `overdue` is judged on (default today)' })
  asOf?: string;
}

export class ServicingActivityQueryDto extends DateRangeReportQueryDto {
  @branchCodeField()
  branchCode?: string;
}

export class AgentWorkloadQueryDto extends ReportPageQueryDto {
  @branchCodeField()
  branchCode?: string;

  @TextField(64, { optional: true, description: 'Only this region', example: 'EAST' })
  region?: string;

  @DateField({ optional: true, description: 'The day open receivables are judged on (default today)' })
  asOf?: string;
}

export class SurvivalBenefitsQueryDto extends DateRangeReportQueryDto {}
export class LapsesQueryDto extends DateRangeReportQueryDto {}
export class TransfersQueryDto extends DateRangeReportQueryDto {}
const PAYABLE_REPORT_STATUSES = ['DUE', 'OVERDUE', 'PAID', 'WITHDRAWN'] as const;

export class PayablesQueryDto extends DateRangeReportQueryDto {
  @EnumField(PAYABLE_REPORT_STATUSES, {
    optional: true,
    description: 'DUE: unpaid; OVERDUE: unpaid past the legal deadline on asOf; PAID; WITHDRAWN. Default: all',
  })
  status?: (typeof PAYABLE_REPORT_STATUSES)[number];

  @DateField({ optional: true, description: 'The day overdue is judged on (default today)' })
  asOf?: string;
}

export class LoansQueryDto extends ReportPageQueryDto {
  @branchCodeField()
  branchCode?: string;

  @DateField({ optional: true, description: 'The day the debt is computed for (default today)' })
  asOf?: string;
}

/** GET /v1/products (the product catalogue read model): paging only. */
export class ProductsQueryDto extends ReportPageQueryDto {}

function page(dto: ReportPageQueryDto): { limit?: number; cursor?: string } {
  return {
    ...(dto.limit === undefined ? {} : { limit: Number(dto.limit) }),
    ...(dto.cursor === undefined ? {} : { cursor: dto.cursor }),
  };
}

function range(dto: DateRangeReportQueryDto): { from: string; to: string } {
  return { from: dto.from, to: dto.to };
}

/** Validated query strings → the transport-neutral report requests. */
export const toReportRequest = {
  premiumsDue: (dto: PremiumsDueQueryDto): PremiumsDueRequest => ({
    report: 'premiums-due',
    ...range(dto),
    branchCode: dto.branchCode,
    asOf: dto.asOf,
    ...page(dto),
  }),
  servicingActivity: (dto: ServicingActivityQueryDto): ServicingActivityRequest => ({
    report: 'servicing-activity',
    ...range(dto),
    branchCode: dto.branchCode,
    ...page(dto),
  }),
  agentWorkload: (dto: AgentWorkloadQueryDto): AgentWorkloadRequest => ({
    report: 'agent-workload',
    branchCode: dto.branchCode,
    region: dto.region,
    asOf: dto.asOf,
    ...page(dto),
  }),
  survivalBenefits: (dto: SurvivalBenefitsQueryDto): SurvivalBenefitsRequest => ({
    report: 'survival-benefits',
    ...range(dto),
    ...page(dto),
  }),
  lapses: (dto: LapsesQueryDto): LapsesRequest => ({ report: 'lapses', ...range(dto), ...page(dto) }),
  transfers: (dto: TransfersQueryDto): TransfersRequest => ({ report: 'transfers', ...range(dto), ...page(dto) }),
  products: (dto: ProductsQueryDto): ProductsRequest => ({ report: 'products', ...page(dto) }),
  loans: (dto: LoansQueryDto): LoansRequest => ({
    report: 'loans',
    branchCode: dto.branchCode,
    asOf: dto.asOf,
    ...page(dto),
  }),
  payables: (dto: PayablesQueryDto): PayablesRequest => ({
    report: 'payables',
    ...range(dto),
    status: dto.status,
    asOf: dto.asOf,
    ...page(dto),
  }),
};
