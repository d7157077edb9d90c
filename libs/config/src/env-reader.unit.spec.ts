import { ConfigError, EnvReader } from './env-reader';

describe('EnvReader', () => {
  it('trims values; blank counts as unset', () => {
    const read = new EnvReader({ A: '  x  ', B: '   ', C: '' });
    expect([read.string('A'), read.string('B'), read.string('C'), read.string('D')]).toEqual([
      'x',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('collects every problem, each quoting the value trimmed or as set, and throws them at once', () => {
    const read = new EnvReader({ PORT: ' 70000 ', LEVEL: ' loud ', ON: 'maybe', STRICT: 'yes', NAME: '' });
    expect(read.integer('PORT', 3000, 0, 65535)).toBe(3000);
    expect(read.logLevel()).toBe('info');
    expect(read.oneOf('LEVEL', ['A', 'B'], 'A', 'upper')).toBe('A');
    expect(read.flag('ON', true)).toBe(true);
    expect(read.strictFlag('STRICT', false)).toBe(false);
    expect(read.required('NAME', 'a name')).toBe('');
    expect(read.problems).toEqual([
      'PORT must be an integer 0–65535, got "70000"',
      'LEVEL must be one of A, B, got " loud "',
      'ON must be true or false, got "maybe"',
      'STRICT must be true or false, got "yes"',
      'NAME is required (a name)',
    ]);
    expect(() => read.check()).toThrow(ConfigError);
    expect(() => read.check()).toThrow('Invalid configuration:\n  - PORT must be an integer 0–65535, got "70000"\n');
  });

  it('reads flags, one-of values and custom values', () => {
    const read = new EnvReader({ A: 'ON', B: ' off ', C: ' TRUE ', D: 'warn', E: 'us', F: '2x' });
    expect([read.flag('A', false), read.flag('B', true), read.strictFlag('C', false)]).toEqual([true, false, true]);
    expect(read.oneOf('E', ['CN', 'US'], 'CN', 'upper')).toBe('US');
    expect(read.parsed('F', 1, (raw) => (raw.endsWith('x') ? Number(raw.slice(0, -1)) : undefined), 'must be Nx')).toBe(
      2,
    );
    expect(read.parsed('UNSET', undefined, () => 1, 'never')).toBeUndefined();
    expect(read.problems).toEqual([]);
    expect(() => read.check()).not.toThrow();
  });
});
