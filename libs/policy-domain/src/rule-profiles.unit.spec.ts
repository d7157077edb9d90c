import {
  CN_RULE_PROFILE,
  DEFAULT_RULE_PROFILE,
  ruleProfileFor,
  US_RULE_PROFILE,
  withReinstatementInterestRate,
} from './rule-profiles';

describe('rule profiles', () => {
  it('CN (the default): 60 days grace (30 after a delivered notice only where agreed), 2 years to reinstate at 5 %, 90 days waiver waiting, rescission within 30 days and 2 years', () => {
    expect(DEFAULT_RULE_PROFILE).toBe(CN_RULE_PROFILE);
    expect(ruleProfileFor()).toEqual({
      jurisdiction: 'CN',
      graceDays: 60,
      overdueNoticeDays: 30,
      noticeShortensGrace: false,
      reinstatementWindowYears: 2,
      reinstatementInterestBasisPoints: 500,
      waiverWaitingDays: 90,
      contestableYears: 2,
      rescissionKnowledgeDays: 30,
    });
  });

  it('US: 31 days grace, no notice rule, 3 years to reinstate at 6 %', () => {
    expect(ruleProfileFor('US')).toBe(US_RULE_PROFILE);
    expect(US_RULE_PROFILE).toMatchObject({
      graceDays: 31,
      overdueNoticeDays: null,
      reinstatementWindowYears: 3,
      reinstatementInterestBasisPoints: 600,
      waiverWaitingDays: 90,
    });
  });

  it('the reinstatement interest rate is configurable in whole basis points', () => {
    expect(ruleProfileFor('CN', { reinstatementInterestBasisPoints: 450 })).toEqual({
      ...CN_RULE_PROFILE,
      reinstatementInterestBasisPoints: 450,
    });
    expect(CN_RULE_PROFILE.reinstatementInterestBasisPoints).toBe(500);
    expect(() => withReinstatementInterestRate(CN_RULE_PROFILE, 4.5)).toThrow(RangeError);
    expect(() => withReinstatementInterestRate(CN_RULE_PROFILE, -1)).toThrow(RangeError);
  });
});
