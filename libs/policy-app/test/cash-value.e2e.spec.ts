/**
 * The products issue's worked example through the API: a product with the table [0, 3 %, 6.5 %, 9 %, 12 %] of the
 * sum assured, a policy of SA 10,000,000 at 120,000 a year from 2024-03-01, paid through installment 3 (due
 * 2026-03-01). On 2026-09-01: 300,000 + round_half_up(350,000 × 184 / 365) = 476,438 (REST and gRPC alike).
 */
import { issuePolicyBody, money } from './support/fixtures';
import { startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { bearer, removeDataDir } from './support/test-api';
import { issueWorkedExamplePolicy, publishWorkedExampleProduct } from './support/worked-example';

describe('cash value (DESIGN 2.8)', () => {
  let api: GrpcTestApi;
  const path = '/v1/policies/CV-0001';

  beforeAll(async () => {
    api = await startGrpcTestApi();
    await publishWorkedExampleProduct(api, 'CV-ENDOW');
    await issueWorkedExamplePolicy(api, 'CV-0001', 'CV-ENDOW', '2024-03-01', 3);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('REST: 476,438 on 2026-09-01, with every term of the computation', async () => {
    const response = await api
      .http()
      .get(`${path}/cash-value?on=2026-09-01`)
      .set('Authorization', bearer('clerk'))
      .expect(200);
    expect(response.body).toEqual({
      policyId: 'CV-0001',
      productCode: 'CV-ENDOW',
      productVersion: 1,
      revision: 2,
      onDate: '2026-09-01',
      paidToDate: '2027-03-01',
      valuedOn: '2026-09-01',
      policyYearsCompleted: 2,
      sumAssured: money(10_000_000),
      yearStartValue: money(300_000),
      yearEndValue: money(650_000),
      daysIntoYear: 184,
      daysInYear: 365,
      cashValue: money(476_438),
    });
    expect(response.headers.etag).toBe('"2"');
  });

  it('default date is today (2026-06-15): 106 days into year 3 → 300,000 + round_half_up(350,000 × 106 / 365)', async () => {
    // 350,000 × 106 / 365 = 101,643.83… → 101,644.
    const response = await api.http().get(`${path}/cash-value`).set('Authorization', bearer('auditor')).expect(200);
    expect(response.body).toMatchObject({ onDate: '2026-06-15', daysIntoYear: 106, cashValue: money(401_644) });
  });

  it('gRPC: GetCashValue answers the same figures', async () => {
    const outcome = await unary(
      api.queries,
      'GetCashValue',
      { policy_id: 'CV-0001', on: '2026-09-01' },
      { role: 'clerk' },
    );
    expect(outcome).toMatchObject({
      ok: true,
      reply: { paid_to_date: '2027-03-01', days_into_year: 184, cash_value: { amount: 476_438, currency: 'CNY' } },
    });
  });

  it('a product without a table has no cash value: 422 NO_CASH_VALUE; before the policy: 422 DATE_BEFORE_POLICY', async () => {
    await api
      .http()
      .post('/v1/products/CV-TERM/versions')
      .set('Authorization', bearer('product-manager'))
      .send({
        name: 'Term',
        kind: 'TERM',
        jurisdiction: 'CN',
        currency: 'CNY',
        freeLook: { days: 15, costDeduction: money(0) },
        grace: { noticeShortensGrace: false },
        cashValuePpm: [],
        automaticPremiumLoan: false,
        nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
      })
      .expect(201);
    await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody('CV-0002', { productCode: 'CV-TERM' }))
      .expect(201);
    const none = await api
      .http()
      .get('/v1/policies/CV-0002/cash-value')
      .set('Authorization', bearer('clerk'))
      .expect(422);
    expect(none.body.code).toBe('NO_CASH_VALUE');
    const before = await api
      .http()
      .get(`${path}/cash-value?on=2024-02-29`)
      .set('Authorization', bearer('clerk'))
      .expect(422);
    expect(before.body.code).toBe('DATE_BEFORE_POLICY');
  });

  it('IssuePolicy needs a published product in the policy currency: 422 PRODUCT_NOT_PUBLISHED / PRODUCT_MISMATCH', async () => {
    const unpublished = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody('CV-0003', { productCode: 'NOPE-1' }))
      .expect(422);
    expect(unpublished.body.code).toBe('PRODUCT_NOT_PUBLISHED');
  });
});
