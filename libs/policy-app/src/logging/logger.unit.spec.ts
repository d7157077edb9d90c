import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from './logger';

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino(loggerOptions('info', 'test'), stream), lines };
}

/** How often `"key":` occurs at the top level of one JSON line (a parser would keep only the last). */
function occurrences(line: string, key: string): number {
  return line.split(`"${key}":`).length - 1;
}

describe('the JSON logger', () => {
  it('a child logging a key it is bound to with the same value writes it once', () => {
    const { logger, lines } = capture();
    const outcome = { departedAgentId: 'AG-7', reassigned: 3 };
    logger.child({ component: 'orphan-reassignment', departedAgentId: 'AG-7' }).info(outcome, 'departure handled');

    expect(lines).toHaveLength(1);
    expect(occurrences(lines[0], 'departedAgentId')).toBe(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      service: 'test',
      component: 'orphan-reassignment',
      departedAgentId: 'AG-7',
      reassigned: 3,
      msg: 'departure handled',
    });
    // The caller's object is left as it was (it is often returned as well).
    expect(outcome).toEqual({ departedAgentId: 'AG-7', reassigned: 3 });
  });

  it('the service name and keys bound further up are not repeated either; other keys pass untouched', () => {
    const { logger, lines } = capture();
    logger
      .child({ date: '2026-06-15' })
      .child({ correlationId: 'c-1' })
      .info({ service: 'test', date: '2026-06-15', policyId: 'P-1', count: 0, flag: false }, 'x');

    for (const key of ['service', 'date', 'correlationId', 'policyId', 'count', 'flag']) {
      expect(occurrences(lines[0], key)).toBe(1);
    }
    expect(JSON.parse(lines[0])).toMatchObject({ policyId: 'P-1', count: 0, flag: false });
  });

  it('a logged value that differs from the bound one is kept (it carries information)', () => {
    const { logger, lines } = capture();
    logger.child({ policyId: 'P-1' }).info({ policyId: 'P-2' }, 'moved');

    expect(lines[0]).toContain('"policyId":"P-1"');
    expect(lines[0]).toContain('"policyId":"P-2"');
  });

  it('every line is one JSON document with an ISO timestamp', () => {
    const { logger, lines } = capture();
    logger.warn('plain message');
    logger.child({ a: 1 }).error({ err: new Error('boom') }, 'failed');

    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const parsed = JSON.parse(line) as { time: string };
      expect(parsed.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(JSON.parse(lines[1])).toMatchObject({ a: 1, err: { message: 'boom' }, msg: 'failed' });
  });
});
