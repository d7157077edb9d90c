import { bearer, removeDataDir, startTestApi, type TestApi, E2E_STORE } from './support/test-api';
import { money, MODAL_PREMIUM } from './support/fixtures';
import { craftedCursor, getReport, seedReportScenario, waitUntilCaughtUp } from './support/report-scenario';

/**
 * The reports of DESIGN 5 over HTTP against the real app: commands go through the API, the embedded projection feeds
 * the SQLite read models in the same process, and each report answers with the rows, paging and catch-up position.
 * Business "today" is pinned at 2026-06-15 (see report-scenario.ts for the book of policies).
 */
describe(`reports over REST (${E2E_STORE.mode}, embedded projection, SQLite read models)`, () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ fixtureAgent: false }); // the report scenario registers its own agents
    await seedReportScenario(api);
    await waitUntilCaughtUp(api);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const key = (item: { policyId: string; installmentNo: number }) => `${item.policyId}#${item.installmentNo}`;

  it('every report says how far the read models have caught up: the whole log, no lag', async () => {
    const response = await getReport(api, '/v1/reports/lapses?from=2024-01-01&to=2024-12-31').expect(200);
    expect(response.body.caughtUp).toEqual({
      position: expect.any(String),
      lastRecordedAt: expect.stringMatching(/^2026-06-15T/),
      // The scenario's 9 events and the harness's product ENDOW-4 (the products read model projects it too).
      eventsApplied: 10,
      quarantinedStreams: 0,
      lagEvents: 0,
      lagEventsIsLowerBound: false,
      lagSeconds: 0,
    });
  });

  it('premiums-due: installments due in the range, any status, overdue judged on today', async () => {
    const response = await getReport(api, '/v1/reports/premiums-due?from=2026-01-01&to=2026-12-31').expect(200);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.items).toEqual([
      {
        policyId: 'REP-0002',
        installmentNo: 2,
        dueDate: '2026-03-01',
        amount: money(MODAL_PREMIUM),
        status: 'DUE',
        overdue: true,
        paidOn: null,
        settledBy: null,
        receiptNo: null,
        preDueReminders: 0,
        overdueNotices: 0,
        lastRemindedOn: null,
        policyStatus: 'IN_FORCE',
        branchCode: 'SH-001',
        region: 'EAST',
        agentId: 'AG-1',
      },
      expect.objectContaining({ policyId: 'REP-0003', installmentNo: 2, dueDate: '2026-09-01', overdue: false }),
    ]);

    const history = await getReport(api, '/v1/reports/premiums-due?from=2022-01-01&to=2025-12-31&branchCode=BJ-002');
    expect(
      history.body.items.map((item: { status: string; settledBy: string | null }) => [item.status, item.settledBy]),
    ).toEqual([
      ['PAID', 'AT_ISSUE'],
      ['PAID', 'PREMIUM_PAYMENT'],
      ['PAID', 'REINSTATEMENT'],
      ['DUE', null],
    ]);
    const earlier = await getReport(api, '/v1/reports/premiums-due?from=2026-01-01&to=2026-12-31&asOf=2026-02-01');
    expect(earlier.body.items.map((item: { overdue: boolean }) => item.overdue)).toEqual([false, false]);
    const otherBranch = await getReport(api, '/v1/reports/premiums-due?from=2026-01-01&to=2026-12-31&branchCode=GZ-9');
    expect(otherBranch.body.items).toEqual([]);
  });

  it('premiums-due pages with limit and the opaque cursor, without gaps or repeats', async () => {
    const all = await getReport(api, '/v1/reports/premiums-due?from=2022-01-01&to=2026-12-31').expect(200);
    expect(all.body.items).toHaveLength(8);
    const paged: { policyId: string; installmentNo: number }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `from=2022-01-01&to=2026-12-31&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await getReport(api, `/v1/reports/premiums-due?${query}`).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(paged.map(key)).toEqual(all.body.items.map(key));
  });

  it('servicing-activity: transactions per day, branch (at the time) and type, filtered by branch', async () => {
    const response = await getReport(
      api,
      '/v1/reports/servicing-activity?from=2024-01-01&to=2025-12-31&branchCode=SH-001',
    ).expect(200);
    expect(response.body.items).toEqual([
      { activityDate: '2024-04-01', branchCode: 'SH-001', transactionType: 'PolicyLapsed', transactions: 1 },
      { activityDate: '2024-05-01', branchCode: 'SH-001', transactionType: 'PolicyReinstated', transactions: 1 },
      { activityDate: '2024-07-01', branchCode: 'SH-001', transactionType: 'PolicyTransferred', transactions: 1 },
      { activityDate: '2025-03-01', branchCode: 'SH-001', transactionType: 'PolicyIssued', transactions: 1 },
      { activityDate: '2025-09-01', branchCode: 'SH-001', transactionType: 'PolicyIssued', transactions: 1 },
    ]);
  });

  it('agent-workload: policies, open receivables (overdue or due within 60 days) and orphans per agent', async () => {
    const response = await getReport(api, '/v1/reports/agent-workload').expect(200);
    expect(response.body.items).toEqual([
      {
        agentId: 'AG-1',
        name: 'Agent AG-1',
        role: 'SERVICING',
        branchCode: 'SH-001',
        region: 'EAST',
        status: 'ACTIVE',
        departedOn: null,
        reassignment: null,
        policies: 2,
        openReceivables: 1,
        orphans: 0,
      },
      expect.objectContaining({ agentId: 'AG-2', branchCode: 'BJ-002', policies: 1, openReceivables: 1 }),
    ]);
    const north = await getReport(api, '/v1/reports/agent-workload?region=NORTH').expect(200);
    expect(north.body.items.map((item: { agentId: string }) => item.agentId)).toEqual(['AG-2']);
    // On 2026-07-10, REP-0003's installment of 2026-09-01 is within 60 days: AG-1 has two open receivables.
    const later = await getReport(api, '/v1/reports/agent-workload?branchCode=SH-001&asOf=2026-07-10').expect(200);
    expect(later.body.items).toEqual([expect.objectContaining({ agentId: 'AG-1', openReceivables: 2 })]);
  });

  it('survival-benefits: benefits due or paid in the range', async () => {
    const response = await getReport(api, '/v1/reports/survival-benefits?from=2024-01-01&to=2026-12-31').expect(200);
    expect(response.body.items).toEqual([
      {
        policyId: 'REP-0001',
        periodNo: 1,
        kind: 'SURVIVAL',
        dueDate: '2024-01-15',
        amount: money(1_000_000),
        status: 'DUE',
        paidOn: null,
        paymentRef: null,
        payeeName: null,
        policyStatus: 'IN_FORCE',
        branchCode: 'BJ-002',
      },
      expect.objectContaining({ periodNo: 2, kind: 'MATURITY', dueDate: '2026-01-15', amount: money(20_000_000) }),
    ]);
    const none = await getReport(api, '/v1/reports/survival-benefits?from=2024-02-01&to=2025-12-31').expect(200);
    expect(none.body.items).toEqual([]);
  });

  it('lapses: the lapse and its reinstatement with the arrears paid', async () => {
    const response = await getReport(api, '/v1/reports/lapses?from=2024-01-01&to=2024-12-31').expect(200);
    expect(response.body.items).toEqual([
      {
        policyId: 'REP-0001',
        lapseNo: 1,
        lapsedOn: '2024-04-01',
        installmentNo: 3,
        dueDate: '2024-01-15',
        // two years from the legal lapse date (2024-01-15 + 60 days' grace + 1), not from the recorded lapsedOn
        reinstatementDeadline: '2026-03-16',
        status: 'REINSTATED',
        reinstatedOn: '2024-05-01',
        installmentsCovered: 1,
        reinstatementPremiums: money(MODAL_PREMIUM),
        reinstatementInterest: money(7329),
        reinstatementTotal: money(MODAL_PREMIUM + 7329),
        terminatedOn: null,
        terminationReason: null,
        branchCode: 'BJ-002',
      },
    ]);
  });

  it('transfers: effective in the range, with both branches, regions and agents', async () => {
    const response = await getReport(api, '/v1/reports/transfers?from=2024-07-01&to=2024-07-01').expect(200);
    expect(response.body.items).toEqual([
      {
        policyId: 'REP-0001',
        revision: 4,
        effectiveDate: '2024-07-01',
        reason: 'RELOCATION',
        fromBranchCode: 'SH-001',
        toBranchCode: 'BJ-002',
        fromRegion: 'EAST',
        toRegion: 'NORTH',
        fromAgentId: 'AG-1',
        toAgentId: 'AG-2',
      },
    ]);
  });

  it('a new command shows up in the reports once the projection has caught up', async () => {
    await api
      .http()
      .post('/v1/policies/REP-0002/premium-payments')
      .set('Authorization', bearer('clerk'))
      .send({ installmentNo: 2, amount: money(MODAL_PREMIUM), paidOn: '2026-04-20', receiptNo: 'R-0002-2' })
      .expect(201);
    await waitUntilCaughtUp(api);
    const response = await getReport(api, '/v1/reports/premiums-due?from=2026-03-01&to=2026-03-01').expect(200);
    expect(response.body.items).toEqual([
      expect.objectContaining({ policyId: 'REP-0002', status: 'PAID', paidOn: '2026-04-20', receiptNo: 'R-0002-2' }),
    ]);
    expect(response.body.caughtUp).toMatchObject({ eventsApplied: 11, lagEvents: 0 });
  });

  describe('validation → 400 VALIDATION_FAILED (problem+json) naming the parameter', () => {
    it.each([
      ['premiums-due?to=2026-12-31', 'from'],
      ['premiums-due?from=2026-02-30&to=2026-12-31', 'from'],
      ['premiums-due?from=2026-12-31&to=2026-01-01', 'to'],
      ['premiums-due?from=2026-01-01&to=2026-12-31&asOf=2026-13-01', 'asOf'],
      ['premiums-due?from=2026-01-01&to=2026-12-31&branchCode=sh-001', 'branchCode'],
      ['servicing-activity?from=2026-01-01&to=2026-12-31&limit=0', 'limit'],
      ['lapses?from=2026-01-01&to=2026-12-31&limit=1001', 'limit'],
      ['transfers?from=2026-01-01&to=2026-12-31&limit=ten', 'limit'],
      ['transfers?from=2026-01-01&to=2026-12-31&cursor=not%20a%20cursor', 'cursor'],
      ['transfers?from=2026-01-01&to=2026-12-31&cursor=Zm9v', 'cursor'],
      // Crafted cursors: well-formed JSON arrays whose values do not fit the sort columns (date, text, integer).
      [`premiums-due?from=2026-01-01&to=2026-12-31&cursor=${craftedCursor('["x","P","y"]')}`, 'cursor'],
      [`premiums-due?from=2026-01-01&to=2026-12-31&cursor=${craftedCursor('["2026-01-01","P",1e400]')}`, 'cursor'],
      [`lapses?from=2026-01-01&to=2026-12-31&cursor=${craftedCursor('["2026-02-30","P",1]')}`, 'cursor'],
      [`transfers?from=2026-01-01&to=2026-12-31&cursor=${craftedCursor('["2026-01-01","P",2147483648]')}`, 'cursor'],
      ['agent-workload?region=EA%00ST', 'region'],
      ['survival-benefits?from=2026-01-01&to=2026-12-31&colour=blue', 'colour'],
      ['survival-benefits?from=2026-01-01&from=2026-02-01&to=2026-12-31', 'from'],
      ['agent-workload?region=', 'region'],
    ])('%s → 400 on %s', async (query, path) => {
      const response = await getReport(api, `/v1/reports/${query}`);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    });
  });

  describe('roles: reporter, auditor and supervisor may read reports', () => {
    it.each(['reporter', 'auditor', 'supervisor', 'admin'] as const)('%s → 200', async (role) => {
      await getReport(api, '/v1/reports/agent-workload', role).expect(200);
    });
    it.each(['clerk', 'system'] as const)('%s → 403 FORBIDDEN', async (role) => {
      const response = await getReport(api, '/v1/reports/agent-workload', role);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    });
    it('no API key → 401', async () => {
      const response = await api.http().get('/v1/reports/agent-workload');
      expect(response.status).toBe(401);
    });
  });

  it('the reports are in the OpenAPI document', async () => {
    const response = await api.http().get('/docs-json').expect(200);
    for (const report of ['premiums-due', 'servicing-activity', 'agent-workload', 'survival-benefits', 'lapses']) {
      expect(response.body.paths[`/v1/reports/${report}`].get.responses).toHaveProperty('200');
    }
    const parameters = response.body.paths['/v1/reports/transfers'].get.parameters.map((p: { name: string }) => p.name);
    expect(parameters).toEqual(expect.arrayContaining(['from', 'to', 'limit', 'cursor']));
  });
});
