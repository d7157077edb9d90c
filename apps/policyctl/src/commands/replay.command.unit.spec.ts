import { CliFailure } from '../cli-io';
import { businessToday } from './replay.command';

describe('policyctl replay: the default business date', () => {
  // 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai (UTC+8) and 18:30 on 1 March in New York (UTC−5).
  const instant = '2026-03-01T23:30:00.000Z';

  it("is the date of the instant in BUSINESS_TIME_ZONE; unset, the jurisdiction's zone (as the API)", () => {
    expect(businessToday({}, instant)).toBe('2026-03-02');
    expect(businessToday({ BUSINESS_TIME_ZONE: '' }, instant)).toBe('2026-03-02');
    expect(businessToday({ JURISDICTION: 'US' }, instant)).toBe('2026-03-01');
    expect(businessToday({ BUSINESS_TIME_ZONE: 'UTC' }, instant)).toBe('2026-03-01');
    expect(businessToday({ JURISDICTION: 'US', BUSINESS_TIME_ZONE: 'Asia/Shanghai' }, instant)).toBe('2026-03-02');
  });

  it('an unknown zone or jurisdiction is an operator error (exit 1), not a silent default', () => {
    expect(() => businessToday({ BUSINESS_TIME_ZONE: 'Mars/Olympus' }, instant)).toThrow(CliFailure);
    expect(() => businessToday({ JURISDICTION: 'FR' }, instant)).toThrow(/JURISDICTION must be one of CN, US/);
  });
});
