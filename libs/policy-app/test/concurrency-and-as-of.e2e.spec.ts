import { bearer, removeDataDir, startTestApi, type TestApi } from './support/test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';

describe('concurrent writes and historical reads', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const post = (url: string, body: object) => api.http().post(url).set('Authorization', bearer('clerk')).send(body);
  const history = async (policyId: string) =>
    (await api.http().get(`/v1/policies/${policyId}/events`).set('Authorization', bearer('auditor')).expect(200)).body;

  it('20 concurrent payments of one installment (different receipts, no If-Match) → exactly one 201 and one PremiumPaid', async () => {
    expect((await post('/v1/policies', issuePolicyBody('RACE-0001'))).status).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        post('/v1/policies/RACE-0001/premium-payments', {
          installmentNo: 2,
          amount: money(MODAL_PREMIUM),
          paidOn: '2023-01-10',
          receiptNo: `R-RACE-${index}`,
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    for (const response of responses.filter((candidate) => candidate.status !== 201)) {
      expect([422, 409]).toContain(response.status);
      expect(['INSTALLMENT_OUT_OF_ORDER', 'INSTALLMENT_NOT_OPEN', 'CONCURRENCY_CONFLICT']).toContain(
        response.body.code,
      );
    }
    const events = (await history('RACE-0001')).events;
    expect(events.filter((event: { type: string }) => event.type === 'PremiumPaid')).toHaveLength(1);
  });

  it('?asOf returns the beneficiaries in effect before a later change; ?revision the state after that revision', async () => {
    expect((await post('/v1/policies', issuePolicyBody('ASOF-0001'))).status).toBe(201);
    const issuedAt = (await history('ASOF-0001')).events[0].recordedAt as string;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const changed = await post('/v1/policies/ASOF-0001/beneficiary-changes', {
      effectiveDate: '2026-06-01',
      designatedBy: 'INSURED',
      insuredConsent: false,
      beneficiaries: [{ name: 'Zhao Min', relationship: 'OTHER', order: 1, sharePercent: 100 }],
    });
    expect(changed.status).toBe(201);
    const changedAt = (await history('ASOF-0001')).events[1].recordedAt as string;
    expect(Date.parse(changedAt)).toBeGreaterThan(Date.parse(issuedAt));

    const names = (body: { beneficiaries: { name: string }[] }) =>
      body.beneficiaries.map((beneficiary) => beneficiary.name);
    const read = (query: string) =>
      api.http().get(`/v1/policies/ASOF-0001${query}`).set('Authorization', bearer('auditor')).expect(200);

    const before = await read(`?asOf=${encodeURIComponent(issuedAt)}`);
    expect(names(before.body)).toEqual(['Wang Fang']);
    expect(before.body.revision).toBe(0);
    expect(before.headers.etag).toBe('"0"');
    const current = await read('');
    expect(names(current.body)).toEqual(['Zhao Min']);
    expect(names((await read(`?asOf=${encodeURIComponent(changedAt)}`)).body)).toEqual(['Zhao Min']);
    expect(names((await read('?revision=0')).body)).toEqual(['Wang Fang']);

    const beforeIssue = await api
      .http()
      .get(`/v1/policies/ASOF-0001?asOf=2020-01-01T00:00:00Z`)
      .set('Authorization', bearer('auditor'));
    expect(beforeIssue.status).toBe(404);
    expect(beforeIssue.body.code).toBe('POLICY_NOT_FOUND');
  });
});
