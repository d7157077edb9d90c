import { type ProductTerms, type ProductVersion } from '../product/product';
import { type Jurisdiction } from '../rule-profiles';

/**
 * A CN 20-year endowment as the products issue describes it: the cash-value table of its worked example (3 % of the
 * sum assured after year 2, 6.5 % after year 3, …), loans up to 80 % at 500 basis points, APL, no nonforfeiture.
 */
export const SAMPLE_ENDOWMENT_TERMS: ProductTerms = {
  name: 'Golden Years Endowment (20 years)',
  kind: 'ENDOWMENT',
  jurisdiction: 'CN',
  currency: 'CNY',
  freeLook: { days: 15, costDeduction: { amount: 1_000, currency: 'CNY' } },
  grace: { noticeShortensGrace: false },
  cashValuePpm: [0, 30_000, 65_000, 90_000, 120_000],
  loan: { maxPercentOfCashValue: 80, interestBasisPoints: 500 },
  automaticPremiumLoan: true,
  nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
};

/**
 * Version 1 of a product matching a policy (its code, currency and jurisdiction) with the sample endowment's terms:
 * what IssuePolicy finds in the catalogue in the domain's tests and fixtures.
 */
export function publishedProduct(
  productCode: string,
  currency = 'CNY',
  jurisdiction: Jurisdiction = 'CN',
  terms: Partial<ProductTerms> = {},
): ProductVersion {
  const freeLook =
    jurisdiction === 'US'
      ? { days: 10, costDeduction: { amount: 0, currency } }
      : { days: 15, costDeduction: { amount: 1_000, currency } };
  return {
    ...SAMPLE_ENDOWMENT_TERMS,
    freeLook,
    ...terms,
    productCode,
    version: 1,
    publishedOn: '2020-01-02',
    currency,
    jurisdiction,
  };
}
