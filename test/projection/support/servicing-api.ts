/**
 * Drives the policy API over HTTP, as its clients do: the known test keys, request bodies of DESIGN 3, and the
 * scripted month of servicing whose reports the e2e suites check.
 */
const KEYS = {
  clerk: 'clerk-secret-000000000001',
  supervisor: 'supervisor-secret-0000001',
  system: 'system-secret-00000000001',
  'product-manager': 'product-manager-secret-01',
} as const;
type Role = keyof typeof KEYS;
export const API_KEYS = Object.entries(KEYS)
  .map(([role, secret]) => `${role}-key:${secret}:${role}`)
  .join(',');

const money = (amount: number) => ({ amount, currency: 'CNY' });
const MODAL_PREMIUM = 500_000;

export class ServicingApi {
  commands = 0;
  private productPublished: Promise<void> | undefined;

  constructor(private readonly baseUrl: string) {}

  async post(path: string, role: Role, body: object): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS[role]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`POST ${path} → ${response.status}: ${text}`);
    }
    this.commands++;
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  }

  registerAgent(agentId: string, branchCode: string, region: string) {
    return this.post('/v1/agents', 'supervisor', {
      agentId,
      name: `Agent ${agentId}`,
      role: 'SERVICING',
      branchCode,
      region,
    });
  }

  /** Publishes the product of `issuePolicyBody` once (IssuePolicy needs a published product, DESIGN 2.8). */
  async ensureProduct(): Promise<void> {
    this.productPublished ??= (async () => {
      const existing = await fetch(`${this.baseUrl}/v1/products/ENDOW-4`, {
        headers: { authorization: `Bearer ${KEYS.clerk}` },
      });
      if (existing.status === 200) return;
      await this.post('/v1/products/ENDOW-4/versions', 'product-manager', {
        name: 'Endowment (4 years)',
        kind: 'ENDOWMENT',
        jurisdiction: 'CN',
        currency: 'CNY',
        freeLook: { days: 15, costDeduction: money(0) },
        grace: { noticeShortensGrace: false },
        cashValuePpm: [0, 30_000, 65_000, 90_000],
        automaticPremiumLoan: false,
        nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
      });
    })();
    return this.productPublished;
  }

  async issue(policyId: string, overrides: Record<string, unknown> = {}) {
    await this.ensureProduct();
    return this.post('/v1/policies', 'clerk', issuePolicyBody(policyId, overrides));
  }

  remind(policyId: string, installmentNo: number, sentOn: string) {
    return this.post(`/v1/policies/${policyId}/premium-reminders`, 'system', {
      installmentNo,
      kind: 'PRE_DUE',
      channel: 'SMS',
      sentOn,
    });
  }

  pay(policyId: string, installmentNo: number, paidOn: string) {
    return this.post(`/v1/policies/${policyId}/premium-payments`, 'system', {
      installmentNo,
      amount: money(MODAL_PREMIUM),
      paidOn,
      receiptNo: `R-${policyId}-${installmentNo}`,
    });
  }
}

function issuePolicyBody(policyId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    policyId,
    productCode: 'ENDOW-4',
    currency: 'CNY',
    policyholder: {
      name: 'Li Wei',
      gender: 'M',
      birthDate: '1980-05-20',
      idType: 'ID_CARD',
      idNumber: '110101198005200011',
      phone: '+86 138 0000 0001',
    },
    insured: { name: 'Li Na', gender: 'F', birthDate: '2010-09-01', idType: 'ID_CARD', idNumber: '110101201009010022' },
    beneficiaries: [
      {
        name: 'Wang Fang',
        relationship: 'PARENT',
        idType: 'ID_CARD',
        idNumber: '110101198201010033',
        order: 1,
        sharePercent: 100,
      },
    ],
    sumAssured: money(50_000_000),
    premium: {
      modalPremium: money(MODAL_PREMIUM),
      frequency: 'ANNUAL',
      paymentTermYears: 4,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
    },
    effectiveDate: '2022-01-15',
    maturityDate: '2026-01-15',
    survivalBenefits: [
      { periodNo: 1, kind: 'SURVIVAL', dueDate: '2024-01-15', amount: money(1_000_000) },
      { periodNo: 2, kind: 'MATURITY', dueDate: '2026-01-15', amount: money(20_000_000) },
    ],
    servicing: { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-1' },
    ...overrides,
  };
}

/** Runs `task` over the items with at most `concurrency` at a time (commands on different policies). */
async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

/** Policy ids of the scripted month. */
export const MONTH_POLICIES = Array.from({ length: 12 }, (_, index) => `M-${String(index + 1).padStart(3, '0')}`);
export const LAPSING_POLICY = 'L-001';

/**
 * January 2023 at two branches: 12 policies issued a year earlier (SH-001: M-001…M-009, agents AG-1 and AG-2;
 * BJ-002: M-010…M-012, AG-3) and one older policy L-001 (BJ-002) in arrears since June 2022.
 *   01-02 pre-due reminders for installment 2 of all 12     01-05 L-001 lapses
 *   01-12 M-001…M-010 pay installment 2                      01-16 M-003's survival benefit (due 01-15) is paid
 *   01-20 M-009 moves to BJ-002 (agent AG-3)                 01-31 AG-2 leaves (MANUAL: M-007, M-008 orphaned)
 */
export async function runScriptedMonth(api: ServicingApi): Promise<void> {
  await api.registerAgent('AG-1', 'SH-001', 'EAST');
  await api.registerAgent('AG-2', 'SH-001', 'EAST');
  await api.registerAgent('AG-3', 'BJ-002', 'NORTH');
  await inParallel(MONTH_POLICIES, 4, (policyId) => {
    const number = Number(policyId.slice(2));
    const servicing =
      number <= 6
        ? { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-1' }
        : number <= 9
          ? { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-2' }
          : { branchCode: 'BJ-002', region: 'NORTH', agentId: 'AG-3' };
    const survivalBenefits =
      policyId === 'M-003'
        ? [
            { periodNo: 1, kind: 'SURVIVAL', dueDate: '2023-01-15', amount: money(1_000_000) },
            { periodNo: 2, kind: 'MATURITY', dueDate: '2026-01-15', amount: money(20_000_000) },
          ]
        : undefined;
    return api.issue(policyId, { servicing, ...(survivalBenefits ? { survivalBenefits } : {}) });
  });
  await api.issue(LAPSING_POLICY, {
    effectiveDate: '2021-06-01',
    maturityDate: '2025-06-01',
    survivalBenefits: [{ periodNo: 1, kind: 'MATURITY', dueDate: '2025-06-01', amount: money(20_000_000) }],
    servicing: { branchCode: 'BJ-002', region: 'NORTH', agentId: 'AG-3' },
  });

  await inParallel(MONTH_POLICIES, 4, (policyId) => api.remind(policyId, 2, '2023-01-02'));
  await api.post(`/v1/policies/${LAPSING_POLICY}/lapses`, 'system', { lapsedOn: '2023-01-05' });
  await inParallel(MONTH_POLICIES.slice(0, 10), 4, (policyId) => api.pay(policyId, 2, '2023-01-12'));
  await api.post('/v1/policies/M-003/survival-benefit-payments', 'supervisor', {
    periodNo: 1,
    paidOn: '2023-01-16',
    payee: { name: 'Li Wei', accountRef: 'ACC-1' },
    paymentRef: 'PAY-M-003-1',
    lifeConfirmationRef: 'LIFE-M-003-1',
  });
  await api.post('/v1/policies/M-009/transfers', 'clerk', {
    toBranchCode: 'BJ-002',
    toRegion: 'NORTH',
    toAgentId: 'AG-3',
    effectiveDate: '2023-01-20',
    reason: 'RELOCATION',
  });
  await api.post('/v1/agents/AG-2/departure', 'supervisor', { departedOn: '2023-01-31', reassignment: 'MANUAL' });
}

/** A servicing load for the crash tests: per policy, issue → pre-due reminder → payment of installment 2. */
export async function runBulkServicing(
  api: ServicingApi,
  prefix: string,
  policies: number,
  concurrency = 8,
): Promise<void> {
  const ids = Array.from({ length: policies }, (_, index) => `${prefix}-${String(index + 1).padStart(4, '0')}`);
  await inParallel(ids, concurrency, async (policyId) => {
    await api.issue(policyId);
    await api.remind(policyId, 2, '2022-12-20');
    await api.pay(policyId, 2, '2023-01-10');
  });
}
