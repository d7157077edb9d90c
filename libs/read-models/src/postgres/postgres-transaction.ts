/** The PostgreSQL store's connection pool, its one transaction helper and its one retry helper. */
import { Pool, types as pgTypes, type Client, type PoolClient } from 'pg';

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

/** Money and counts fit in safe integers; dates stay `YYYY-MM-DD` strings (no time-zone shifts through JS Date). */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    if (oid === DATE_OID) return (value: string) => value;
    return format === 'binary' ? pgTypes.getTypeParser(oid, 'binary') : pgTypes.getTypeParser(oid, 'text');
  }) as typeof pgTypes.getTypeParser,
};

/**
 * Connections pipeline their statements (pg's `pipeline` mode): statements issued without awaiting the previous one
 * go out together and their results come back in order, so a batch's writes cost one round trip, not one each. Each
 * statement still has its own Sync: in a transaction, the first failure aborts it and the statements behind it fail.
 */
export function openPool(url: string, size: number): Pool {
  const pool = new Pool({ connectionString: url, max: size, types: typeParsers, pipeline: true });
  // An idle connection dropped by the server must not crash the process; the pool replaces it on the next query.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Calls `issue`, which starts statements on `client` without awaiting them, and sends them in one write: the driver
 * writes each statement to the socket by itself, a system call each (the projector's largest cost after the
 * garbage collector when they went one by one). The statements must be issued before `issue` returns.
 */
export function sentTogether<Result>(client: PoolClient, issue: () => Result): Result {
  // A pooled client is a Client; its socket is not part of the PoolClient type.
  const socket = (client as unknown as Client).connection.stream;
  socket.cork();
  try {
    return issue();
  } finally {
    socket.uncork();
  }
}

/**
 * Runs `work` in one transaction on a pooled connection (rolled back if it throws). BEGIN goes out with the work's
 * first statements (pipelined, in one write), so it costs no round trip of its own.
 */
export async function inTransaction<Result = void>(
  pool: Pool,
  work: (client: PoolClient) => Promise<Result>,
): Promise<Result> {
  const client = await pool.connect();
  try {
    // Settled both: the connection goes back to the pool only once `work` is done with it.
    const [begun, worked] = await sentTogether(client, () => Promise.allSettled([client.query('BEGIN'), work(client)]));
    if (begun.status === 'rejected') throw begun.reason;
    if (worked.status === 'rejected') throw worked.reason;
    await client.query('COMMIT');
    return worked.value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Another writer advanced or created the progress of a stream the transaction wrote: run it again. */
export class ConcurrentStreamWriteError extends Error {
  override readonly name = 'ConcurrentStreamWriteError';
}

/** Serialisation failure or deadlock. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  if (error instanceof ConcurrentStreamWriteError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** Runs `transaction` again (at once, up to MAX_ATTEMPTS in all) while it fails because of a concurrent writer. */
export async function retryingConflicts<Result>(transaction: () => Promise<Result>): Promise<Result> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
    }
  }
}
