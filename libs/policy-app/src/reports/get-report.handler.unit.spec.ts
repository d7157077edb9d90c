import type { Clock } from '@lib/event-sourcing';
import type { ReadModelStore } from '@lib/read-models';
import { ApiProblem } from '../problem/api-problem';
import type { CatchUpReporter } from '../projections/catch-up';
import type { ReadModelConnection } from '../projections/read-model-connection';
import { GetReportHandler } from './get-report.handler';
import { GetReportQuery } from './get-report.query';
import type { AppConfig } from '../config/app-config';

/**
 * The safety net behind the store's own parameter checks: whatever PostgreSQL still refuses as a data exception
 * (SQLSTATE class 22) is the request's fault, so a 400, never a 500. The store here fails the way the pg driver does
 * (an Error with the SQLSTATE as `code`), since a real one no longer lets such a value through.
 */
describe('GetReportHandler', () => {
  const clock: Clock = { now: () => '2026-06-15T08:00:00.000Z' };

  function handlerFailingWith(error: Error): GetReportHandler {
    const failing = { kind: 'postgres', transfers: () => Promise.reject(error) } as unknown as ReadModelStore;
    const connection = { store: async () => failing } as unknown as ReadModelConnection;
    return new GetReportHandler(connection, {} as CatchUpReporter, clock, { businessTimeZone: 'UTC' } as AppConfig);
  }
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  const transfers = new GetReportQuery({ report: 'transfers', from: '2026-01-01', to: '2026-12-31' });

  it.each([
    ['22007', 'invalid input syntax for type date: "x"'],
    ['22P02', 'invalid input syntax for type integer: "y"'],
    ['22003', 'value "2147483648" is out of range for type integer'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
  ])('a PostgreSQL data exception %s → 400 VALIDATION_FAILED', async (code, message) => {
    const error: unknown = await handlerFailingWith(pgError(code, message))
      .execute(transfers)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toMatchObject({ kind: 'VALIDATION', code: 'VALIDATION_FAILED' });
  });

  it('other database errors are not turned into a 400', async () => {
    const syntaxError = pgError('42601', 'syntax error at or near "SELEC"');

    await expect(handlerFailingWith(syntaxError).execute(transfers)).rejects.toBe(syntaxError);
  });
});
