/**
 * Bench helper shared by the benchmarks' event generators: the IssuePolicy body of a standard 20-year endowment
 * (annual premium, 10-year payment term), so every generated history starts from a valid policy.
 */
import { addYearsClamped, type BusinessDate, type IssuePolicyData, type ProductVersion } from '@lib/policy-domain';

export const cny = (amount: number) => ({ amount, currency: 'CNY' });

export function benchIssueData(
  policyId: string,
  effectiveDate: BusinessDate,
  servicing: IssuePolicyData['servicing'],
  survivalBenefits: IssuePolicyData['survivalBenefits'] = [],
): IssuePolicyData {
  return {
    policyId,
    productCode: 'ENDOW-20',
    currency: 'CNY',
    policyholder: {
      name: 'Li Wei',
      gender: 'M',
      birthDate: '1980-01-01',
      idType: 'ID_CARD',
      idNumber: '110101198001010011',
    },
    insured: {
      name: 'Wang Fang',
      gender: 'F',
      birthDate: '1982-05-20',
      idType: 'ID_CARD',
      idNumber: '110101198205200022',
    },
    beneficiaries: [{ name: 'Li Ming', relationship: 'CHILD', order: 1, sharePercent: 100 }],
    sumAssured: cny(10_000_000),
    premium: {
      modalPremium: cny(120_000),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
    },
    effectiveDate,
    maturityDate: addYearsClamped(effectiveDate, 20),
    riders: [],
    survivalBenefits,
    servicing,
  };
}

/** Version 1 of the benchmark policies' product (CN, CNY), as IssuePolicy finds it in the catalogue. */
export function benchProduct(productCode: string): ProductVersion {
  return {
    productCode,
    version: 1,
    publishedOn: '2020-01-02',
    name: 'Bench endowment',
    kind: 'ENDOWMENT',
    jurisdiction: 'CN',
    currency: 'CNY',
    freeLook: { days: 15, costDeduction: { amount: 0, currency: 'CNY' } },
    grace: { noticeShortensGrace: false },
    cashValuePpm: [],
    loan: null,
    automaticPremiumLoan: false,
    nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
  };
}
