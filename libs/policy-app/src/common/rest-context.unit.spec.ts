import { ApiProblem } from '../problem/api-problem';
import { parseIdempotencyKey, parseIfMatch } from './rest-context.decorator';

describe('If-Match', () => {
  it.each([
    ['"0"', 0],
    ['"42"', 42],
    [' "7" ', 7],
    ['*', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, revision) => {
    expect(parseIfMatch(header)).toBe(revision);
  });

  it.each(['3', '"-1"', '"03"', '"a"', '"1", "2"', '', 'W/"a"'])('%j is malformed → 400', (header) => {
    expect(() => parseIfMatch(header)).toThrow(expect.objectContaining({ kind: 'VALIDATION' }));
  });

  it('a weak ETag never matches (RFC 9110: If-Match compares strongly) → 412', () => {
    expect(() => parseIfMatch('W/"3"')).toThrow(
      expect.objectContaining({ kind: 'PRECONDITION_FAILED', code: 'PRECONDITION_FAILED' }),
    );
  });
});

describe('Idempotency-Key', () => {
  it('accepts 1–128 visible ASCII characters', () => {
    expect(parseIdempotencyKey('k'.repeat(128))).toBe('k'.repeat(128));
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });
  it.each(['', 'k'.repeat(129), 'ключ'])('rejects %j', (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(ApiProblem);
  });
});
