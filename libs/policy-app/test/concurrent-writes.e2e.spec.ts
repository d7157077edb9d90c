import { bearer, removeDataDir, startTestApi, type TestApi, E2E_STORE } from './support/test-api';
import { issuePolicyBody } from './support/fixtures';

/**
 * Embedded mode has one writer process, so the commands on one policy are serialised in-process: concurrent,
 * non-conflicting changes all succeed, each decided on the state the previous one left (issue 12, item 6).
 */
// EventStoreDB keeps the optimistic re-read and retry (DESIGN 3): only the embedded store queues writes per stream.
const describeEmbedded = E2E_STORE.mode === 'embedded-sqlite' ? describe : describe.skip;

describeEmbedded('concurrent writes to one policy (embedded store)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const post = (url: string, body: object, headers: Record<string, string> = {}) =>
    api.http().post(url).set('Authorization', bearer('clerk')).set(headers).send(body);
  const contactChange = (index: number) => ({
    effectiveDate: '2026-06-15',
    changes: [{ kind: 'CONTACT', phone: `+86 139 0000 ${String(index).padStart(4, '0')}` }],
  });
  const historyRevisions = async (policyId: string) =>
    (
      await api
        .http()
        .get(`/v1/policies/${policyId}/events?limit=1000`)
        .set('Authorization', bearer('auditor'))
        .expect(200)
    ).body.events.map((event: { revision: number }) => event.revision);

  it.each([20, 100])(
    '%i concurrent contact changes without If-Match → all 201, revisions 1..n without gaps',
    async (count) => {
      const policyId = `SERIAL-${count}`;
      expect((await post('/v1/policies', issuePolicyBody(policyId))).status).toBe(201);

      const responses = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          post(`/v1/policies/${policyId}/contract-changes`, contactChange(index + 1)),
        ),
      );

      expect(responses.map((response) => response.status)).toEqual(Array(count).fill(201));
      const revisions = responses.map((response) => response.body.revision as number).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: count }, (_, index) => index + 1));
      expect(await historyRevisions(policyId)).toEqual(Array.from({ length: count + 1 }, (_, index) => index));
    },
  );

  it('a stale If-Match is still 412 when it waited behind other commands', async () => {
    const policyId = 'SERIAL-STALE';
    expect((await post('/v1/policies', issuePolicyBody(policyId))).status).toBe(201);

    const [first, stale] = await Promise.all([
      post(`/v1/policies/${policyId}/contract-changes`, contactChange(1), { 'If-Match': '"0"' }),
      post(`/v1/policies/${policyId}/contract-changes`, contactChange(2), { 'If-Match': '"0"' }),
    ]);

    expect(first.status).toBe(201);
    expect(first.body.revision).toBe(1);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
  });
});
