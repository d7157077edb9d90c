import { InvalidReportQueryError } from '../read-model-store';
import {
  agentWorkloadQuery,
  decodeCursor,
  encodeCursor,
  premiumsDueQuery,
  toPage,
  type SqlQuery,
} from './report-queries';
import { toPositional } from './sql-text';

const table = (name: string) => name;
/** The sort columns of premiums-due: due date, policy id, installment number. */
const PREMIUMS_DUE_ORDER = ['date', 'text', 'integer'] as const;

describe('report queries', () => {
  it('a cursor carries the sort-key values of the last row and decodes back to them', () => {
    const cursor = encodeCursor(['2025-03-15', 'P-1', 2]);

    expect(decodeCursor(cursor, PREMIUMS_DUE_ORDER)).toEqual(['2025-03-15', 'P-1', 2]);
  });

  it.each([
    ['garbage', 'not base64 JSON'],
    [encodeCursor(['2025-03-15']), 'a cursor of another report (wrong length)'],
    [Buffer.from('{"a":1}').toString('base64url'), 'not an array'],
    [encodeCursor(['x', 'P-1', 'y']), 'text where a date and an integer belong'],
    [encodeCursor(['2025-02-29', 'P-1', 2]), 'a date that does not exist'],
    [encodeCursor(['2025-3-15', 'P-1', 2]), 'a date not written YYYY-MM-DD'],
    [encodeCursor(['2025-03-15', 7, 2]), 'a number where text belongs'],
    [encodeCursor(['2025-03-15', 'P-1', 2_147_483_648]), 'an integer beyond a PostgreSQL integer'],
    [encodeCursor(['2025-03-15', 'P-1', 2.5]), 'a fraction where an integer belongs'],
    [Buffer.from('["2025-03-15","P-1",1e400]').toString('base64url'), 'a number beyond a double (1e400)'],
    [encodeCursor(['2025-03-15', 'P-\u00001', 2]), 'text with a NUL'],
    [encodeCursor(['2025-03-15', 'P'.repeat(257), 2]), 'text longer than any key'],
  ])('a cursor that is %s is rejected (%s)', (cursor) => {
    expect(() => decodeCursor(cursor, PREMIUMS_DUE_ORDER)).toThrow(InvalidReportQueryError);
  });

  it('a page one row short of the limit is the last one; a full page hands out the cursor of its last row', () => {
    const query = premiumsDueQuery(table, { from: '2025-01-01', to: '2025-12-31', asOf: '2025-06-01', limit: 2 });
    const rows = [
      { dueDate: '2025-01-01', policyId: 'A', installmentNo: 1 },
      { dueDate: '2025-01-01', policyId: 'B', installmentNo: 1 },
      { dueDate: '2025-02-01', policyId: 'A', installmentNo: 2 },
    ];

    expect(toPage(rows.slice(0, 2), query)).toEqual({ rows: rows.slice(0, 2), nextCursor: null });
    const page = toPage(rows, query);
    expect(page.rows).toEqual(rows.slice(0, 2));
    expect(decodeCursor(page.nextCursor!, PREMIUMS_DUE_ORDER)).toEqual(['2025-01-01', 'B', 1]);
  });

  it('the next page starts strictly after the cursor row in the report order', () => {
    const query: SqlQuery = premiumsDueQuery(table, {
      from: '2025-01-01',
      to: '2025-12-31',
      asOf: '2025-06-01',
      cursor: encodeCursor(['2025-01-01', 'B', 1]),
    });

    expect(query.text).toContain('(i.due_date, i.policy_id, i.installment_no) > (:cursor0, :cursor1, :cursor2)');
    expect(query.params).toMatchObject({ cursor0: '2025-01-01', cursor1: 'B', cursor2: 1, pageLimit: 101 });
  });

  it.each([
    [{ from: '2025-02-30', to: '2025-03-01' }, 'from'],
    [{ from: '2025-03-02', to: '2025-03-01' }, 'to'],
    [{ from: '2025-03-01', to: '2025-03-01', limit: 0 }, 'limit'],
    [{ from: '2025-03-01', to: '2025-03-01', limit: 1001 }, 'limit'],
    [{ from: '2025-03-01', to: '2025-03-01', asOf: 'today' }, 'asOf'],
  ])('invalid parameters %j are rejected naming %s', (parameters, field) => {
    const error = (() => {
      try {
        premiumsDueQuery(table, { asOf: '2025-06-01', ...parameters });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidReportQueryError);
    expect((error as InvalidReportQueryError).field).toBe(field);
  });

  it('open receivables count installments due up to 60 days after asOf (DESIGN 2.5)', () => {
    expect(agentWorkloadQuery(table, { asOf: '2025-01-15' }).params.receivablesUntil).toBe('2025-03-16');
  });

  it('named parameters become numbered ones, a repeated name keeping its number', () => {
    expect(toPositional('a = :x AND b BETWEEN :y AND :x', { x: 1, y: 2 })).toEqual({
      text: 'a = $1 AND b BETWEEN $2 AND $1',
      values: [1, 2],
    });
    expect(() => toPositional('a = :missing', {})).toThrow('No value for SQL parameter :missing');
  });
});
