import { productEventCodec } from '../event-schemas';
import { decisionSpecification } from '../testing/decider-specification';
import { SAMPLE_ENDOWMENT_TERMS } from '../testing/product-fixtures';
import {
  productDecider,
  productTermsProblems,
  productVersion,
  type ProductEvent,
  type ProductState,
  type ProductTerms,
  type PublishProductVersion,
} from './product';

function publish(terms: ProductTerms, productCode = 'CN-ENDOW-20', today = '2024-01-02'): PublishProductVersion {
  return { type: 'PublishProductVersion', data: { productCode, terms }, context: { today } };
}

const given = decisionSpecification<PublishProductVersion, ProductEvent, ProductState>(
  productDecider,
  productEventCodec,
);
const published = (): ProductEvent[] =>
  productDecider.decide(publish(SAMPLE_ENDOWMENT_TERMS), productDecider.initialState());

describe('product catalogue (DESIGN 2.8)', () => {
  it('publishes version 1, then 2: versions are numbered and never change', () => {
    const v1 = published();
    expect(v1).toEqual([
      {
        type: 'ProductVersionPublished',
        data: { ...SAMPLE_ENDOWMENT_TERMS, productCode: 'CN-ENDOW-20', version: 1, publishedOn: '2024-01-02' },
      },
    ]);
    const cheaper = { ...SAMPLE_ENDOWMENT_TERMS, loan: { maxPercentOfCashValue: 80, interestBasisPoints: 450 } };
    const [v2] = given(v1)
      .when(publish(cheaper, 'CN-ENDOW-20', '2025-06-30'))
      .events();
    expect(v2!.data).toMatchObject({ version: 2, publishedOn: '2025-06-30', loan: { interestBasisPoints: 450 } });

    const state = [...v1, v2!].reduce(productDecider.evolve, productDecider.initialState());
    expect(productVersion(state, 1)?.loan?.interestBasisPoints).toBe(500);
    expect(productVersion(state, 2)?.loan?.interestBasisPoints).toBe(450);
    expect(productVersion(state, 3)).toBeNull();
  });

  it('stores the terms field by field: a request object carrying more stores nothing more', () => {
    const withExtra = { ...SAMPLE_ENDOWMENT_TERMS, marketingNote: 'best seller' } as ProductTerms;
    const [event] = productDecider.decide(publish(withExtra), productDecider.initialState());
    expect(event!.data).not.toHaveProperty('marketingNote');
  });

  it('a product stays in its jurisdiction: a US version of a CN code is refused', () => {
    const us = {
      ...SAMPLE_ENDOWMENT_TERMS,
      jurisdiction: 'US' as const,
      currency: 'USD',
      freeLook: { days: 10, costDeduction: { amount: 0, currency: 'USD' } },
    };
    given(published())
      .when(publish(us))
      .thenThrows('PRODUCT_DEFINITION_INVALID', /is a CN product/);
  });

  it.each<[string, Partial<ProductTerms>, RegExp]>([
    [
      'a free look shorter than the law (CN 15 days)',
      { freeLook: { days: 14, costDeduction: { amount: 0, currency: 'CNY' } } },
      /freeLook\.days: at least the law's 15/,
    ],
    [
      'a cost deduction above 10 CNY',
      { freeLook: { days: 15, costDeduction: { amount: 1_001, currency: 'CNY' } } },
      /costDeduction: from 0 to the law's 1000/,
    ],
    ['a loan without cash value', { cashValuePpm: [] }, /loan: a product without cash value/],
    ['APL without loan terms', { loan: null }, /automaticPremiumLoan: needs loan terms/],
    ['a negative table entry', { cashValuePpm: [0, -1] }, /cashValuePpm\[1\]: a whole number/],
    ['a fractional table entry', { cashValuePpm: [0, 1.5] }, /cashValuePpm\[1\]: a whole number/],
    [
      'RPU without its table',
      { nonforfeiture: { options: ['RPU'], default: 'RPU', netSinglePremiumPpm: [], termCostPpm: [] } },
      /netSinglePremiumPpm: needed for RPU/,
    ],
    [
      'a default that is not an option',
      { nonforfeiture: { options: ['RPU'], default: 'ETI', netSinglePremiumPpm: [1], termCostPpm: [] } },
      /default: NONE or one of the options/,
    ],
  ])('refuses %s', (_case, change, problem) => {
    const terms = { ...SAMPLE_ENDOWMENT_TERMS, ...change };
    expect(productTermsProblems(terms).join('; ')).toMatch(problem);
    given([]).when(publish(terms)).thenThrows('PRODUCT_DEFINITION_INVALID', problem);
  });

  it('a US product: 10 days, full refund; a term product without cash value has no loan', () => {
    const usTerm: ProductTerms = {
      ...SAMPLE_ENDOWMENT_TERMS,
      name: 'Level Term 20',
      kind: 'TERM',
      jurisdiction: 'US',
      currency: 'USD',
      freeLook: { days: 10, costDeduction: { amount: 0, currency: 'USD' } },
      cashValuePpm: [],
      loan: null,
      automaticPremiumLoan: false,
    };
    expect(productTermsProblems(usTerm)).toEqual([]);
    expect(
      productTermsProblems({ ...usTerm, freeLook: { days: 10, costDeduction: { amount: 1, currency: 'USD' } } }),
    ).toEqual(["freeLook.costDeduction: from 0 to the law's 0 (US)"]);
  });

  it('a malformed code is refused', () => {
    given([])
      .when(publish(SAMPLE_ENDOWMENT_TERMS, 'cn endow'))
      .thenThrows('PRODUCT_DEFINITION_INVALID', /productCode/);
  });
});
