/**
 * The products issue's worked example as API calls, shared by the cash-value, payables and loans suites: a product
 * whose cash value is [0, 3 %, 6.5 %, 9 %, 12 %] of the sum assured at the end of years 1–5 (free-look deduction
 * 1,000; loans up to 80 % at 500 basis points), and policies of SA 10,000,000 at 120,000 a year under it.
 */
import { issuePolicyBody, money } from './fixtures';
import { bearer, type TestApi } from './test-api';

/** Publishes version 1 of the worked-example product under `productCode`, with `terms` overriding its terms. */
export async function publishWorkedExampleProduct(
  api: TestApi,
  productCode: string,
  terms: Record<string, unknown> = {},
): Promise<void> {
  await api
    .http()
    .post(`/v1/products/${productCode}/versions`)
    .set('Authorization', bearer('product-manager'))
    .send({
      name: 'Worked-example endowment',
      kind: 'ENDOWMENT',
      jurisdiction: 'CN',
      currency: 'CNY',
      freeLook: { days: 15, costDeduction: money(1_000) },
      grace: { noticeShortensGrace: false },
      cashValuePpm: [0, 30_000, 65_000, 90_000, 120_000],
      loan: { maxPercentOfCashValue: 80, interestBasisPoints: 500 },
      automaticPremiumLoan: false,
      nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
      ...terms,
    })
    .expect(201);
}

/** The worked example's policy body: 20 years from `effectiveDate`, annual 120,000 for 10 years, no survival plan. */
export function workedExamplePolicyBody(
  policyId: string,
  productCode: string,
  effectiveDate: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return issuePolicyBody(policyId, {
    productCode,
    sumAssured: money(10_000_000),
    premium: {
      modalPremium: money(120_000),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
    },
    effectiveDate,
    maturityDate: `${Number(effectiveDate.slice(0, 4)) + 20}${effectiveDate.slice(4)}`,
    survivalBenefits: [],
    ...overrides,
  });
}

/** Issues the worked-example policy and pays installments 2…`paidThrough` on their due dates. */
export async function issueWorkedExamplePolicy(
  api: TestApi,
  policyId: string,
  productCode: string,
  effectiveDate: string,
  paidThrough: number,
  overrides: Record<string, unknown> = {},
): Promise<void> {
  await api
    .http()
    .post('/v1/policies')
    .set('Authorization', bearer('clerk'))
    .send(workedExamplePolicyBody(policyId, productCode, effectiveDate, overrides))
    .expect(201);
  const year = Number(effectiveDate.slice(0, 4));
  for (let installmentNo = 2; installmentNo <= paidThrough; installmentNo++) {
    const dueDate = `${year + installmentNo - 1}${effectiveDate.slice(4)}`;
    await api
      .http()
      .post(`/v1/policies/${policyId}/premium-payments`)
      .set('Authorization', bearer('clerk'))
      .send({ installmentNo, amount: money(120_000), paidOn: dueDate, receiptNo: `R-${policyId}-${installmentNo}` })
      .expect(201);
  }
}
