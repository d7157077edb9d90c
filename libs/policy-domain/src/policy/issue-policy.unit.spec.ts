import { US_RULE_PROFILE } from '../rule-profiles';
import { givenPolicy } from '../testing/decider-specification';
import { publishedProduct } from '../testing/product-fixtures';
import {
  CHILD_BENEFICIARY,
  cny,
  INSURED,
  issuePolicy,
  issuePolicyData,
  MATURITY_DATE,
  policyIssued,
  POLICYHOLDER,
  agentSnapshot,
} from '../testing/policy-fixtures';

describe('IssuePolicy', () => {
  it('issues a policy, records the CN rule profile snapshot and installment 1 as paid at issue', () => {
    const data = issuePolicyData();
    givenPolicy([])
      .when(issuePolicy())
      .then([
        {
          type: 'PolicyIssued',
          data: {
            ...data,
            productVersion: 1,
            riders: data.riders!,
            survivalBenefits: data.survivalBenefits!,
            jurisdiction: 'CN',
            ruleProfile: {
              graceDays: 60,
              overdueNoticeDays: 30,
              noticeShortensGrace: false,
              reinstatementWindowYears: 2,
              reinstatementInterestBasisPoints: 500,
              waiverWaitingDays: 90,
              contestableYears: 2,
              rescissionKnowledgeDays: 30,
            },
            automaticPremiumLoan: false,
            firstInstallment: { installmentNo: 1, dueDate: '2024-03-15', amount: cny(120_000) },
          },
        },
      ]);
  });

  it('records the 30-day notice rule where the product agrees it (art. 36 "除合同另有约定外"), never where the law has none', () => {
    const agreeing = (jurisdiction: 'CN' | 'US') =>
      publishedProduct('ENDOW-20', 'CNY', jurisdiction, { grace: { noticeShortensGrace: true } });
    const [cn] = givenPolicy([])
      .when(issuePolicy({}, { product: agreeing('CN') }))
      .events();
    expect(cn!.data).toMatchObject({ ruleProfile: { overdueNoticeDays: 30, noticeShortensGrace: true } });
    const [us] = givenPolicy([])
      .when(issuePolicy({}, { ruleProfile: US_RULE_PROFILE, product: agreeing('US') }))
      .events();
    expect(us!.data).toMatchObject({ ruleProfile: { overdueNoticeDays: null, noticeShortensGrace: false } });
  });

  it('under the US profile records the US parameters (no notice rule)', () => {
    const [event] = givenPolicy([])
      .when(issuePolicy({}, { ruleProfile: US_RULE_PROFILE }))
      .events();
    expect(event!.data).toMatchObject({
      jurisdiction: 'US',
      ruleProfile: {
        graceDays: 31,
        overdueNoticeDays: null,
        reinstatementWindowYears: 3,
        reinstatementInterestBasisPoints: 600,
      },
    });
  });

  it('without riders and survival plan records empty lists, leaving out optional party fields', () => {
    const data = issuePolicyData();
    const { riders: _riders, survivalBenefits: _plan, ...withoutOptional } = data;
    const [event] = givenPolicy([])
      .when({ ...issuePolicy(), data: { ...withoutOptional, insured: { ...INSURED, phone: undefined } } })
      .events();
    expect(event!.data).toMatchObject({ riders: [], survivalBenefits: [] });
    expect(Object.keys((event!.data as { insured: object }).insured)).not.toContain('phone');
  });

  it('on an existing stream → 409 POLICY_ALREADY_EXISTS', () => {
    const error = givenPolicy([policyIssued()]).when(issuePolicy()).thenThrows('POLICY_ALREADY_EXISTS');
    expect(error.kind).toBe('conflict');
  });

  it('maturity on or before the effective date → MATURITY_NOT_AFTER_EFFECTIVE_DATE', () => {
    givenPolicy([])
      .when(issuePolicy({ maturityDate: '2024-03-15', survivalBenefits: [], riders: [] }))
      .thenThrows('MATURITY_NOT_AFTER_EFFECTIVE_DATE');
  });

  it('a survival benefit due after maturity → SURVIVAL_BENEFIT_OUTSIDE_TERM', () => {
    givenPolicy([])
      .when(
        issuePolicy({ survivalBenefits: [{ periodNo: 1, kind: 'SURVIVAL', dueDate: '2044-03-16', amount: cny(1) }] }),
      )
      .thenThrows('SURVIVAL_BENEFIT_OUTSIDE_TERM');
  });

  it('a survival benefit due on the effective date → SURVIVAL_BENEFIT_OUTSIDE_TERM', () => {
    givenPolicy([])
      .when(
        issuePolicy({ survivalBenefits: [{ periodNo: 1, kind: 'SURVIVAL', dueDate: '2024-03-15', amount: cny(1) }] }),
      )
      .thenThrows('SURVIVAL_BENEFIT_OUTSIDE_TERM');
  });

  it('a survival plan with a repeated period, two MATURITY payments or a payment after maturity → SURVIVAL_BENEFIT_PLAN_INVALID', () => {
    const survival = { periodNo: 1, kind: 'SURVIVAL', dueDate: '2030-03-15', amount: cny(1) } as const;
    const maturity = { periodNo: 2, kind: 'MATURITY', dueDate: MATURITY_DATE, amount: cny(1) } as const;
    givenPolicy([])
      .when(issuePolicy({ survivalBenefits: [survival, { ...survival, dueDate: '2031-03-15' }] }))
      .thenThrows('SURVIVAL_BENEFIT_PLAN_INVALID');
    givenPolicy([])
      .when(issuePolicy({ survivalBenefits: [maturity, { ...maturity, periodNo: 3 }] }))
      .thenThrows('SURVIVAL_BENEFIT_PLAN_INVALID');
    givenPolicy([])
      .when(
        issuePolicy({
          survivalBenefits: [
            { ...maturity, dueDate: '2040-03-15' },
            { ...survival, periodNo: 3, dueDate: '2041-03-15' },
          ],
        }),
      )
      .thenThrows('SURVIVAL_BENEFIT_PLAN_INVALID');
  });

  it('beneficiary shares of an order that do not sum to 100 → BENEFICIARY_SHARES_INVALID', () => {
    givenPolicy([])
      .when(issuePolicy({ beneficiaries: [{ ...CHILD_BENEFICIARY, sharePercent: 90 }] }))
      .thenThrows('BENEFICIARY_SHARES_INVALID', /order 1 sum to 90%/);
  });

  it('the insured as death beneficiary → INSURED_AS_BENEFICIARY', () => {
    givenPolicy([])
      .when(issuePolicy({ beneficiaries: [{ ...INSURED, relationship: 'SPOUSE', order: 1, sharePercent: 100 }] }))
      .thenThrows('INSURED_AS_BENEFICIARY');
  });

  it('a rider ending after maturity → RIDER_ENDS_AFTER_MATURITY; two riders with one code → DUPLICATE_RIDER', () => {
    const rider = { code: 'WP', sumAssured: cny(1), modalPremium: cny(1), endDate: '2044-03-16' };
    givenPolicy([])
      .when(issuePolicy({ riders: [rider] }))
      .thenThrows('RIDER_ENDS_AFTER_MATURITY');
    const fine = { ...rider, endDate: MATURITY_DATE };
    givenPolicy([])
      .when(issuePolicy({ riders: [fine, fine] }))
      .thenThrows('DUPLICATE_RIDER');
  });

  it('a payment term that is not whole years or outlasts the cover → PAYMENT_TERM_INVALID', () => {
    const premium = issuePolicyData().premium;
    givenPolicy([])
      .when(issuePolicy({ premium: { ...premium, paymentTermYears: 0 } }))
      .thenThrows('PAYMENT_TERM_INVALID');
    givenPolicy([])
      .when(issuePolicy({ premium: { ...premium, paymentTermYears: 2.5 } }))
      .thenThrows('PAYMENT_TERM_INVALID');
    givenPolicy([])
      .when(issuePolicy({ premium: { ...premium, paymentTermYears: 21 } }))
      .thenThrows('PAYMENT_TERM_INVALID');
  });

  it('a zero sum assured → SUM_ASSURED_INVALID; a fractional or zero premium → INVALID_AMOUNT', () => {
    const premium = issuePolicyData().premium;
    givenPolicy([])
      .when(issuePolicy({ sumAssured: cny(0) }))
      .thenThrows('SUM_ASSURED_INVALID');
    givenPolicy([])
      .when(issuePolicy({ premium: { ...premium, modalPremium: cny(100.5) } }))
      .thenThrows('INVALID_AMOUNT');
    givenPolicy([])
      .when(issuePolicy({ premium: { ...premium, modalPremium: cny(0) } }))
      .thenThrows('INVALID_AMOUNT');
  });

  it('money in another currency than the policy → CURRENCY_MISMATCH; a malformed currency → INVALID_CURRENCY', () => {
    givenPolicy([])
      .when(issuePolicy({ sumAssured: { amount: 1, currency: 'USD' } }))
      .thenThrows('CURRENCY_MISMATCH');
    givenPolicy([])
      .when(issuePolicy({ currency: 'yuan' }))
      .thenThrows('INVALID_CURRENCY');
  });

  it('malformed identities and impossible dates are rejected by the domain too', () => {
    givenPolicy([])
      .when(issuePolicy({ policyId: 'p1' }))
      .thenThrows('INVALID_POLICY_ID');
    givenPolicy([])
      .when(issuePolicy({ servicing: { branchCode: 'BJ01', region: 'NORTH', agentId: 'a_1' } }))
      .thenThrows('INVALID_AGENT_ID');
    givenPolicy([])
      .when(issuePolicy({ effectiveDate: '2024-02-30' }))
      .thenThrows('INVALID_DATE');
    givenPolicy([])
      .when(issuePolicy({ policyholder: { ...POLICYHOLDER, birthDate: '1980-13-01' } }))
      .thenThrows('INVALID_DATE');
  });

  it('a MATURITY payment due before the maturity date (here 4 years early) → SURVIVAL_BENEFIT_PLAN_INVALID', () => {
    const maturity = { periodNo: 1, kind: 'MATURITY', dueDate: '2040-03-15', amount: cny(1) } as const;
    givenPolicy([])
      .when(issuePolicy({ survivalBenefits: [maturity] }))
      .thenThrows('SURVIVAL_BENEFIT_PLAN_INVALID', /maturity date 2044-03-15/);
  });

  it('a policyholder or insured born after the effective date → BIRTH_DATE_INVALID', () => {
    givenPolicy([])
      .when(issuePolicy({ insured: { ...INSURED, birthDate: '2024-03-16' } }))
      .thenThrows('BIRTH_DATE_INVALID');
    givenPolicy([])
      .when(issuePolicy({ policyholder: { ...POLICYHOLDER, birthDate: '2030-01-01' } }))
      .thenThrows('BIRTH_DATE_INVALID');
    // Born on the effective date itself is possible (a newborn's cover).
    expect(
      givenPolicy([])
        .when(issuePolicy({ insured: { ...INSURED, birthDate: '2024-03-15' } }))
        .events(),
    ).toHaveLength(1);
  });

  it('a servicing agent that is not registered, or departed → AGENT_NOT_ELIGIBLE', () => {
    givenPolicy([])
      .when(issuePolicy({}, { servicingAgent: null }))
      .thenThrows('AGENT_NOT_ELIGIBLE', /A-001/);
    const departed = agentSnapshot('A-001', { status: 'DEPARTED' });
    givenPolicy([])
      .when(issuePolicy({}, { servicingAgent: departed }))
      .thenThrows('AGENT_NOT_ELIGIBLE');
  });

  describe('the product (DESIGN 2.8)', () => {
    it('records the version of the product it is sold under: the latest published', () => {
      const version3 = { ...publishedProduct('ENDOW-20'), version: 3 };
      const [issued] = givenPolicy([])
        .when(issuePolicy({}, { product: version3 }))
        .events();
      expect(issued!.data).toMatchObject({ productCode: 'ENDOW-20', productVersion: 3 });
    });

    it('refuses a product with no published version: PRODUCT_NOT_PUBLISHED', () => {
      givenPolicy([])
        .when(issuePolicy({}, { product: null }))
        .thenThrows('PRODUCT_NOT_PUBLISHED', /ENDOW-20 has no published version/);
      // A version of another product is no version of this one.
      givenPolicy([])
        .when(issuePolicy({}, { product: publishedProduct('WL-1') }))
        .thenThrows('PRODUCT_NOT_PUBLISHED');
    });

    it('refuses a product sold in another currency or jurisdiction: PRODUCT_MISMATCH', () => {
      givenPolicy([])
        .when(issuePolicy({}, { product: publishedProduct('ENDOW-20', 'USD', 'CN') }))
        .thenThrows('PRODUCT_MISMATCH', /sold in CN in USD, not CN in CNY/);
      givenPolicy([])
        .when(issuePolicy({}, { product: publishedProduct('ENDOW-20', 'CNY', 'US') }))
        .thenThrows('PRODUCT_MISMATCH', /sold in US in CNY, not CN in CNY/);
    });
  });
});
