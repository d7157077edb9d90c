/** Request bodies of the e2e tests (DESIGN 3), valid unless a test breaks them on purpose. */
export const money = (amount: number) => ({ amount, currency: 'CNY' });

export const MODAL_PREMIUM = 500_000;

export function issuePolicyBody(policyId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
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
    insured: {
      name: 'Li Na',
      gender: 'F',
      birthDate: '2010-09-01',
      idType: 'ID_CARD',
      idNumber: '110101201009010022',
    },
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
