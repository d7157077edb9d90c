import { CliFailure } from '../cli-io';
import { businessToday } from './replay.command';

describe('policyctl replay: the default business date', () => {
  it('is the date of the instant in BUSINESS_TIME_ZONE, UTC when unset (as the API)', () => {
    // 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai (UTC+8).
    expect(businessToday({}, '2026-03-01T23:30:00.000Z')).toBe('2026-03-01');
    expect(businessToday({ BUSINESS_TIME_ZONE: '' }, '2026-03-01T23:30:00.000Z')).toBe('2026-03-01');
    expect(businessToday({ BUSINESS_TIME_ZONE: 'Asia/Shanghai' }, '2026-03-01T23:30:00.000Z')).toBe('2026-03-02');
  });

  it('an unknown zone is an operator error (exit 1), not a silent UTC', () => {
    expect(() => businessToday({ BUSINESS_TIME_ZONE: 'Mars/Olympus' }, '2026-03-01T23:30:00.000Z')).toThrow(CliFailure);
  });
});
