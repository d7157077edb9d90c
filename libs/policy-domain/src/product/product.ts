/**
 * The product catalogue (DESIGN 2.8): a product is published in versions on `product-{productCode}`; a version never
 * changes once published, and a policy records the version it was sold under. The version is assigned here (1, 2, …),
 * so two publications racing each other meet in the command loop's optimistic concurrency, not in a duplicate.
 */
import { type Decider } from '@lib/event-sourcing';
import { checkDate } from '../input-checks';
import { type BusinessDate } from '../dates';
import { DomainError } from '../errors';
import { isValidCurrency, type Money } from '../money';
import { JURISDICTIONS, type Jurisdiction } from '../rule-profiles';

export const PRODUCT_KINDS = ['ENDOWMENT', 'WHOLE_LIFE', 'TERM', 'ANNUITY'] as const;
export const NONFORFEITURE_OPTIONS = ['RPU', 'ETI'] as const;
type NonforfeitureDefault = 'NONE' | (typeof NONFORFEITURE_OPTIONS)[number];
export const PRODUCT_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

/** The law's free look (DESIGN 2.4): a product may make it longer, never shorter, nor keep more of the premium. */
export const FREE_LOOK_LAW: Readonly<
  Record<Jurisdiction, { readonly days: number; readonly maxCostDeduction: number }>
> = {
  // CBIRC: 15 days from the receipt; all premiums back less at most 10 CNY of policy cost.
  CN: { days: 15, maxCostDeduction: 1_000 },
  // State law: 10 days, full refund.
  US: { days: 10, maxCostDeduction: 0 },
};

/** Longest tables a version may carry (policy years), and the largest value of an entry (10× the sum assured). */
const MAX_TABLE_YEARS = 120;
const MAX_PPM = 10_000_000;

/** What a version says; its code and number are assigned on publication. */
export interface ProductTerms {
  readonly name: string;
  readonly kind: (typeof PRODUCT_KINDS)[number];
  readonly jurisdiction: Jurisdiction;
  readonly currency: string;
  readonly freeLook: { readonly days: number; readonly costDeduction: Money };
  readonly grace: { readonly noticeShortensGrace: boolean };
  /** Cash value at the end of policy year t (`[t-1]`), parts per million of the sum assured; empty = none. */
  readonly cashValuePpm: readonly number[];
  readonly loan: { readonly maxPercentOfCashValue: number; readonly interestBasisPoints: number } | null;
  readonly automaticPremiumLoan: boolean;
  readonly nonforfeiture: {
    readonly options: readonly (typeof NONFORFEITURE_OPTIONS)[number][];
    readonly default: NonforfeitureDefault;
    readonly netSinglePremiumPpm: readonly number[];
    readonly termCostPpm: readonly number[];
  };
}

export interface ProductVersion extends ProductTerms {
  readonly productCode: string;
  readonly version: number;
  readonly publishedOn: BusinessDate;
}

export interface PublishProductVersion {
  readonly type: 'PublishProductVersion';
  readonly data: { readonly productCode: string; readonly terms: ProductTerms };
  readonly context: { readonly today: BusinessDate };
}
export type ProductCommand = PublishProductVersion;

interface ProductVersionPublished {
  readonly type: 'ProductVersionPublished';
  readonly data: ProductVersion;
}
export type ProductEvent = ProductVersionPublished;
export type ProductEventType = ProductEvent['type'];

export interface ProductState {
  readonly productCode: string | null;
  /** Every published version, oldest first (version n at index n-1). */
  readonly versions: readonly ProductVersion[];
}

function initialProductState(): ProductState {
  return { productCode: null, versions: [] };
}

/** The version a policy was sold under, or null. */
export function productVersion(state: ProductState, version: number): ProductVersion | null {
  return state.versions[version - 1] ?? null;
}

/** The product as the API shows it: every published version, oldest first. */
export interface ProductView {
  readonly productCode: string;
  readonly revision: number;
  readonly versions: readonly ProductVersion[];
}

export function productView(state: ProductState, options: { readonly revision: number }): ProductView {
  if (state.productCode === null) throw new DomainError('PRODUCT_NOT_FOUND', 'The product has no published version.');
  return { productCode: state.productCode, revision: options.revision, versions: state.versions };
}

function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  return { productCode: event.data.productCode, versions: [...state.versions, event.data] };
}

const isWhole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Every rule a version breaks, as `field: reason` (empty when it may be published). */
export function productTermsProblems(terms: ProductTerms): string[] {
  const problems: string[] = [];
  const table = (field: string, values: readonly number[]) => {
    if (values.length > MAX_TABLE_YEARS) problems.push(`${field}: at most ${MAX_TABLE_YEARS} policy years`);
    values.forEach((value, index) => {
      if (!isWhole(value, 0, MAX_PPM)) problems.push(`${field}[${index}]: a whole number from 0 to ${MAX_PPM}`);
    });
  };
  if (terms.name.trim() === '') problems.push('name: must not be blank');
  if (!PRODUCT_KINDS.includes(terms.kind)) problems.push(`kind: one of ${PRODUCT_KINDS.join(', ')}`);
  if (!JURISDICTIONS.includes(terms.jurisdiction)) problems.push(`jurisdiction: one of ${JURISDICTIONS.join(', ')}`);
  if (!isValidCurrency(terms.currency)) problems.push('currency: an ISO 4217 code');
  const law = FREE_LOOK_LAW[terms.jurisdiction] ?? FREE_LOOK_LAW.CN;
  if (!isWhole(terms.freeLook.days, law.days, 366)) {
    problems.push(`freeLook.days: at least the law's ${law.days} (${terms.jurisdiction}), at most 366`);
  }
  const deduction = terms.freeLook.costDeduction;
  if (deduction.currency !== terms.currency) problems.push(`freeLook.costDeduction: in ${terms.currency}`);
  if (!isWhole(deduction.amount, 0, law.maxCostDeduction)) {
    problems.push(`freeLook.costDeduction: from 0 to the law's ${law.maxCostDeduction} (${terms.jurisdiction})`);
  }
  table('cashValuePpm', terms.cashValuePpm);
  const hasCashValue = terms.cashValuePpm.some((value) => value > 0);
  if (terms.loan !== null) {
    if (!hasCashValue) problems.push('loan: a product without cash value lends nothing');
    if (!isWhole(terms.loan.maxPercentOfCashValue, 1, 100)) problems.push('loan.maxPercentOfCashValue: 1 to 100');
    if (!isWhole(terms.loan.interestBasisPoints, 0, 10_000)) problems.push('loan.interestBasisPoints: 0 to 10,000');
  }
  if (terms.automaticPremiumLoan && terms.loan === null) {
    problems.push('automaticPremiumLoan: needs loan terms (the premium is paid by a policy loan)');
  }
  const { nonforfeiture } = terms;
  if (nonforfeiture.options.some((option) => !NONFORFEITURE_OPTIONS.includes(option))) {
    problems.push(`nonforfeiture.options: a subset of ${NONFORFEITURE_OPTIONS.join(', ')}`);
  }
  if (new Set(nonforfeiture.options).size !== nonforfeiture.options.length) {
    problems.push('nonforfeiture.options: each option once');
  }
  if (nonforfeiture.default !== 'NONE' && !nonforfeiture.options.includes(nonforfeiture.default)) {
    problems.push('nonforfeiture.default: NONE or one of the options');
  }
  if (nonforfeiture.options.length > 0 && !hasCashValue) {
    problems.push('nonforfeiture.options: a product without cash value has nothing to convert');
  }
  table('nonforfeiture.netSinglePremiumPpm', nonforfeiture.netSinglePremiumPpm);
  table('nonforfeiture.termCostPpm', nonforfeiture.termCostPpm);
  if (nonforfeiture.options.includes('RPU') && nonforfeiture.netSinglePremiumPpm.length === 0) {
    problems.push('nonforfeiture.netSinglePremiumPpm: needed for RPU');
  }
  if (nonforfeiture.options.includes('ETI') && nonforfeiture.termCostPpm.length === 0) {
    problems.push('nonforfeiture.termCostPpm: needed for ETI');
  }
  return problems;
}

function publishProductVersion({ data, context }: PublishProductVersion, state: ProductState): ProductEvent[] {
  checkDate(context.today, 'context.today');
  if (!PRODUCT_CODE_PATTERN.test(data.productCode)) {
    throw new DomainError('PRODUCT_DEFINITION_INVALID', `productCode: must match ${PRODUCT_CODE_PATTERN.source}`);
  }
  const problems = productTermsProblems(data.terms);
  if (problems.length > 0) throw new DomainError('PRODUCT_DEFINITION_INVALID', problems.join('; '));
  const previous = state.versions.at(-1);
  if (previous !== undefined && previous.jurisdiction !== data.terms.jurisdiction) {
    throw new DomainError(
      'PRODUCT_DEFINITION_INVALID',
      `jurisdiction: ${data.productCode} is a ${previous.jurisdiction} product; a new code is a new product`,
    );
  }
  const { terms } = data;
  // Field by field: the stored version is exactly the published terms, whatever else the request carried.
  const version: ProductVersion = {
    productCode: data.productCode,
    version: state.versions.length + 1,
    publishedOn: context.today,
    name: terms.name,
    kind: terms.kind,
    jurisdiction: terms.jurisdiction,
    currency: terms.currency,
    freeLook: {
      days: terms.freeLook.days,
      costDeduction: { amount: terms.freeLook.costDeduction.amount, currency: terms.freeLook.costDeduction.currency },
    },
    grace: { noticeShortensGrace: terms.grace.noticeShortensGrace },
    cashValuePpm: [...terms.cashValuePpm],
    loan:
      terms.loan === null
        ? null
        : {
            maxPercentOfCashValue: terms.loan.maxPercentOfCashValue,
            interestBasisPoints: terms.loan.interestBasisPoints,
          },
    automaticPremiumLoan: terms.automaticPremiumLoan,
    nonforfeiture: {
      options: [...terms.nonforfeiture.options],
      default: terms.nonforfeiture.default,
      netSinglePremiumPpm: [...terms.nonforfeiture.netSinglePremiumPpm],
      termCostPpm: [...terms.nonforfeiture.termCostPpm],
    },
  };
  return [{ type: 'ProductVersionPublished', data: version }];
}

export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  decide: (command, state) => publishProductVersion(command, state),
  evolve: evolveProduct,
  initialState: initialProductState,
};
