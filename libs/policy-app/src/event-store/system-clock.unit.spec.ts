import { businessDateOf } from './system-clock';

describe('businessDateOf', () => {
  it('is the UTC date by default', () => {
    expect(businessDateOf('2026-03-01T23:30:00.000Z')).toBe('2026-03-01');
  });

  it('in Asia/Shanghai, 07:00 on the 2nd local time is the 2nd although UTC still says the 1st', () => {
    expect(businessDateOf('2026-03-01T23:00:00.000Z', 'Asia/Shanghai')).toBe('2026-03-02');
    expect(businessDateOf('2026-03-01T15:59:59.999Z', 'Asia/Shanghai')).toBe('2026-03-01');
  });

  it('follows daylight saving time in America/New_York', () => {
    // 03:30 UTC is 23:30 the day before in EDT (UTC-4) and 22:30 in EST (UTC-5)
    expect(businessDateOf('2026-07-02T03:30:00.000Z', 'America/New_York')).toBe('2026-07-01');
    expect(businessDateOf('2026-01-02T04:30:00.000Z', 'America/New_York')).toBe('2026-01-01');
    expect(businessDateOf('2026-01-02T05:30:00.000Z', 'America/New_York')).toBe('2026-01-02');
  });
});
