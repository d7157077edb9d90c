/**
 * `policyctl products import <file.json>` (DESIGN 2.8): a file of `{ productCode, ...terms }` entries (the body of
 * POST /v1/products/{code}/versions plus the code), each published as a new version through the same operation as the
 * API. Validation is per entry, so one bad entry does not hold back the others: an entry is checked as the API checks
 * a body (the DTO, then the domain's productTermsProblems), an entry whose terms equal the latest published version's
 * is left alone (re-importing a file writes nothing), and every other one is published.
 */
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { isDomainError, PRODUCT_CODE_PATTERN, productTermsProblems, type ProductTerms } from '@lib/policy-domain';
import { CommandRunner } from '../../common/command-runner';
import { runOperation } from '../../operations/run-operation';
import { ApiProblem } from '../../problem/api-problem';
import { validateDto } from '../../problem/validation';
import { loadLatestProductVersion } from '../load-product';
import {
  productTermsOf,
  publishProductVersion,
  PublishProductVersionDto,
} from '../publish-product-version/publish-product-version.operation';

export type ProductImportOutcome =
  | { readonly entry: number; readonly productCode: string; readonly outcome: 'published'; readonly version: number }
  | { readonly entry: number; readonly productCode: string; readonly outcome: 'unchanged'; readonly version: number }
  | {
      readonly entry: number;
      readonly productCode: string | null;
      readonly outcome: 'rejected';
      readonly problems: readonly string[];
    };

/** The terms in one fixed field order, so two equal versions compare equal as JSON text. */
function canonicalTerms(terms: ProductTerms): string {
  return JSON.stringify([
    terms.name,
    terms.kind,
    terms.jurisdiction,
    terms.currency,
    [terms.freeLook.days, terms.freeLook.costDeduction.amount, terms.freeLook.costDeduction.currency],
    terms.grace.noticeShortensGrace,
    terms.cashValuePpm,
    terms.loan === null ? null : [terms.loan.maxPercentOfCashValue, terms.loan.interestBasisPoints],
    terms.automaticPremiumLoan,
    [
      terms.nonforfeiture.options,
      terms.nonforfeiture.default,
      terms.nonforfeiture.netSinglePremiumPpm,
      terms.nonforfeiture.termCostPpm,
    ],
  ]);
}

function problemsOf(error: unknown): string[] {
  if (error instanceof ApiProblem) {
    return error.errors?.length ? error.errors.map(({ path, message }) => `${path}: ${message}`) : [error.detail];
  }
  return [error instanceof Error ? error.message : String(error)];
}

@Injectable()
export class ProductImport {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: CommandRunner,
  ) {}

  /**
   * Imports one entry (its index in the file is `entry`); never throws for what the entry says, only for the store.
   * @param actorId recorded as the events' actor (channel CLI)
   */
  async importEntry(entry: number, value: unknown, actorId: string): Promise<ProductImportOutcome> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { entry, productCode: null, outcome: 'rejected', problems: ['expected a JSON object'] };
    }
    const { productCode, ...body } = value as Record<string, unknown>;
    if (typeof productCode !== 'string' || !PRODUCT_CODE_PATTERN.test(productCode)) {
      const problem = `productCode: must match ${PRODUCT_CODE_PATTERN.source}`;
      return { entry, productCode: null, outcome: 'rejected', problems: [problem] };
    }
    let dto: PublishProductVersionDto;
    try {
      dto = validateDto(PublishProductVersionDto, body, `entry ${entry}`);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return { entry, productCode, outcome: 'rejected', problems: problemsOf(error) };
    }
    const terms = productTermsOf(dto);
    const problems = productTermsProblems(terms);
    if (problems.length > 0) return { entry, productCode, outcome: 'rejected', problems };
    const latest = await loadLatestProductVersion(this.runner.store, productCode);
    if (latest !== null && canonicalTerms(latest) === canonicalTerms(terms)) {
      return { entry, productCode, outcome: 'unchanged', version: latest.version };
    }
    try {
      const result = await this.commands.execute(
        runOperation(publishProductVersion, { productCode }, dto, {
          actor: { id: actorId, roles: ['admin'] },
          channel: 'CLI',
          correlationId: `product-import-${productCode}-${entry}`,
        }),
      );
      return { entry, productCode, outcome: 'published', version: result.version as number };
    } catch (error) {
      // A rule only the stream can check (e.g. another jurisdiction than the earlier versions): the entry's fault.
      if (!isDomainError(error)) throw error;
      return { entry, productCode, outcome: 'rejected', problems: [`${error.code}: ${error.message}`] };
    }
  }
}
