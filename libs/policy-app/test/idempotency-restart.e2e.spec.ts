import { bearer, removeDataDir, startTestApi, type TestApi } from './support/test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';

/** Idempotency-Key and durability: the same key replays the first response; everything survives a restart. */
describe('idempotency keys and restart on the same data dir', () => {
  let api: TestApi;
  const policyId = 'IDEM-0001';
  const path = `/v1/policies/${policyId}`;
  // Effective 2024-06-01: installment 2 due 2025-06-01, 3 due 2026-06-01 (in grace on 2026-07-01), 4 due 2027-06-01.
  const issueBody = issuePolicyBody(policyId, {
    effectiveDate: '2024-06-01',
    maturityDate: '2028-06-01',
    survivalBenefits: [{ periodNo: 1, kind: 'MATURITY', dueDate: '2028-06-01', amount: money(20_000_000) }],
  });
  const payment = { installmentNo: 2, amount: money(MODAL_PREMIUM), paidOn: '2025-05-20', receiptNo: 'R-IDEM-2' };

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const post = (url: string, body: object, key?: string, role: Parameters<typeof bearer>[0] = 'clerk') => {
    const call = api.http().post(url).set('Authorization', bearer(role));
    return (key === undefined ? call : call.set('Idempotency-Key', key)).send(body);
  };
  const history = async () =>
    (await api.http().get(`${path}/events`).set('Authorization', bearer('auditor')).expect(200)).body;

  let firstIssue: { status: number; body: unknown; headers: Record<string, string> };
  let firstPayment: { status: number; body: unknown; headers: Record<string, string> };

  it('same key + same body → the first response again (same event ids), nothing written', async () => {
    firstIssue = await post('/v1/policies', issueBody, 'issue-IDEM-0001');
    expect(firstIssue.status).toBe(201);
    const replay = await post('/v1/policies', issueBody, 'issue-IDEM-0001');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(firstIssue.body);
    expect(replay.headers.etag).toBe('"0"');
    expect(replay.headers['idempotent-replayed']).toBe('true');

    firstPayment = await post(`${path}/premium-payments`, payment, 'pay-IDEM-0001-2');
    expect(firstPayment.status).toBe(201);
    const again = await post(`${path}/premium-payments`, payment, 'pay-IDEM-0001-2');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(firstPayment.body);
    expect(again.headers.etag).toBe(firstPayment.headers.etag);

    const events = (await history()).events;
    expect(events.map((event: { type: string }) => event.type)).toEqual(['PolicyIssued', 'PremiumPaid']);
    expect(events[1].metadata.idempotencyKey).toBe('pay-IDEM-0001-2');
  });

  it('same key + different body (or another route) → 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
    const otherBody = await post(`${path}/premium-payments`, { ...payment, receiptNo: 'R-OTHER' }, 'pay-IDEM-0001-2');
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherRoute = await post(
      `${path}/premium-reminders`,
      { installmentNo: 3, kind: 'PRE_DUE', channel: 'SMS', sentOn: '2026-05-01' },
      'pay-IDEM-0001-2',
    );
    expect(otherRoute.status).toBe(422);
    expect(otherRoute.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await history()).revision).toBe(1);
  });

  it('keys are per API key: another caller may use the same key string', async () => {
    const reminder = await post(
      `${path}/premium-reminders`,
      { installmentNo: 3, kind: 'PRE_DUE', channel: 'SMS', sentOn: '2026-05-01' },
      'pay-IDEM-0001-2',
      'system',
    );
    expect(reminder.status).toBe(201);
    expect((await history()).revision).toBe(2);
  });

  it('a rejected first attempt wrote nothing and is the answer to every retry with its key; a new key decides anew', async () => {
    const tooEarly = { installmentNo: 3, amount: money(MODAL_PREMIUM), paidOn: '2026-07-01', receiptNo: 'R-IDEM-3' };
    const rejected = await post(`${path}/premium-payments`, tooEarly, 'pay-IDEM-0001-3');
    expect(rejected.status).toBe(422);
    expect(rejected.body.code).toBe('DATE_IN_FUTURE');
    api.clock.setToday('2026-07-02');

    // The payment would be accepted now, but the key's first answer was the rejection (DESIGN 3).
    const retried = await post(`${path}/premium-payments`, tooEarly, 'pay-IDEM-0001-3');
    expect(retried.status).toBe(422);
    expect(retried.body).toMatchObject({ code: rejected.body.code, detail: rejected.body.detail });
    expect((await history()).revision).toBe(2);

    const anew = await post(`${path}/premium-payments`, tooEarly, 'pay-IDEM-0001-3b');
    expect(anew.status).toBe(201);
    expect(anew.body.revision).toBe(3);
  });

  it('concurrent requests with one key write once and all answer the same events', async () => {
    const body = { installmentNo: 4, amount: money(MODAL_PREMIUM), paidOn: '2026-07-01', receiptNo: 'R-IDEM-4' };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => post(`${path}/premium-payments`, body, 'pay-IDEM-0001-4')),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    const eventIds = new Set(responses.map((response) => response.body.events[0].eventId));
    expect(eventIds.size).toBe(1);
    const events = (await history()).events;
    expect(events.filter((event: { type: string }) => event.type === 'PremiumPaid')).toHaveLength(3);
  });

  it('after a restart: same state, same history, idempotency keys still honoured', async () => {
    const viewBefore = (await api.http().get(path).set('Authorization', bearer('clerk')).expect(200)).body;
    const historyBefore = await history();
    await api.close();

    api = await startTestApi({ dataDir: api.dataDir, today: '2026-07-02' });
    const viewAfter = await api.http().get(path).set('Authorization', bearer('clerk')).expect(200);
    expect(viewAfter.body).toEqual(viewBefore);
    expect(viewAfter.headers.etag).toBe(`"${viewBefore.revision}"`);
    expect(await history()).toEqual(historyBefore);

    const replayedIssue = await post('/v1/policies', issueBody, 'issue-IDEM-0001');
    expect(replayedIssue.status).toBe(201);
    expect(replayedIssue.body).toEqual(firstIssue.body);
    const replayedPayment = await post(`${path}/premium-payments`, payment, 'pay-IDEM-0001-2');
    expect(replayedPayment.body).toEqual(firstPayment.body);
    const reused = await post(`${path}/premium-payments`, { ...payment, receiptNo: 'R-X' }, 'pay-IDEM-0001-2');
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const tooEarly = { installmentNo: 3, amount: money(MODAL_PREMIUM), paidOn: '2026-07-01', receiptNo: 'R-IDEM-3' };
    const rejectedAgain = await post(`${path}/premium-payments`, tooEarly, 'pay-IDEM-0001-3');
    expect(rejectedAgain.status).toBe(422);
    expect(rejectedAgain.body.code).toBe('DATE_IN_FUTURE');
    expect((await history()).revision).toBe(historyBefore.revision);
  });
});
