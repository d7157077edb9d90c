/**
 * A small book of policies whose reports are easy to check by hand (business "today" 2026-06-15):
 * - REP-0001 (SH-001, AG-1, 2022-01-15 → 2026-01-15, annual): installment 2 paid, lapsed 2024-04-01, reinstated
 *   2024-05-01, transferred to BJ-002/NORTH/AG-2 on 2024-07-01; installment 4 (2025-01-15) open; survival benefits
 *   due 2024-01-15 and 2026-01-15, unpaid.
 * - REP-0002 (SH-001, AG-1, from 2025-03-01): installment 2 due 2026-03-01, open and overdue.
 * - REP-0003 (SH-001, AG-1, from 2025-09-01): installment 2 due 2026-09-01, open, not overdue.
 */
import { bearer, type TestApi } from './test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './fixtures';

async function post(api: TestApi, url: string, role: Parameters<typeof bearer>[0], body: object): Promise<void> {
  const response = await api.http().post(url).set('Authorization', bearer(role)).send(body);
  if (response.status !== 201) throw new Error(`POST ${url} → ${response.status} ${JSON.stringify(response.body)}`);
}

const laterPolicy = (policyId: string, effectiveDate: string, maturityDate: string) =>
  issuePolicyBody(policyId, {
    effectiveDate,
    maturityDate,
    premium: {
      modalPremium: money(MODAL_PREMIUM),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
    },
    survivalBenefits: [],
  });

export async function seedReportScenario(api: TestApi): Promise<void> {
  const agent = (agentId: string, branchCode: string, region: string) => ({
    agentId,
    name: `Agent ${agentId}`,
    role: 'SERVICING',
    branchCode,
    region,
  });
  await post(api, '/v1/agents', 'supervisor', agent('AG-1', 'SH-001', 'EAST'));
  await post(api, '/v1/agents', 'supervisor', agent('AG-2', 'BJ-002', 'NORTH'));

  const path = '/v1/policies/REP-0001';
  await post(api, '/v1/policies', 'clerk', issuePolicyBody('REP-0001'));
  await post(api, `${path}/premium-payments`, 'clerk', {
    installmentNo: 2,
    amount: money(MODAL_PREMIUM),
    paidOn: '2023-01-10',
    receiptNo: 'R-2',
  });
  await post(api, `${path}/lapses`, 'system', { lapsedOn: '2024-04-01' });
  const quote = await api
    .http()
    .get(`${path}/reinstatement-quote?on=2024-05-01`)
    .set('Authorization', bearer('supervisor'));
  await post(api, `${path}/reinstatements`, 'supervisor', {
    reinstatedOn: '2024-05-01',
    arrearsPaid: quote.body.total,
    healthDeclarationRef: 'HD-1',
  });
  await post(api, `${path}/transfers`, 'clerk', {
    toBranchCode: 'BJ-002',
    toRegion: 'NORTH',
    effectiveDate: '2024-07-01',
    reason: 'RELOCATION',
    toAgentId: 'AG-2',
  });

  await post(api, '/v1/policies', 'clerk', laterPolicy('REP-0002', '2025-03-01', '2035-03-01'));
  await post(api, '/v1/policies', 'clerk', laterPolicy('REP-0003', '2025-09-01', '2035-09-01'));
}

/** Polls a cheap report until the read models have applied everything in the event log. */
export async function waitUntilCaughtUp(api: TestApi, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api
      .http()
      .get('/v1/reports/transfers?from=2000-01-01&to=2000-01-01')
      .set('Authorization', bearer('reporter'));
    if (response.status === 200 && response.body.caughtUp.lagEvents === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`read models did not catch up: ${response.status} ${JSON.stringify(response.body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function getReport(api: TestApi, url: string, role: Parameters<typeof bearer>[0] = 'reporter') {
  return api.http().get(url).set('Authorization', bearer(role));
}

/** A cursor as a client could forge one: the JSON text, base64url-encoded like the real ones. */
export function craftedCursor(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}
