/** Bench helper: PostgreSQL clean-up through psql (the benches leave no schema behind). */
import { execFile } from 'node:child_process';

/** Drops every schema whose name starts with `prefix`; failures are ignored (nothing to clean). */
export function dropSchemas(url: string, prefix: string): Promise<void> {
  const sql =
    `DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE '${prefix}%' ` +
    `LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$;`;
  return new Promise((resolve) => execFile('psql', [url, '-q', '-c', sql], () => resolve()));
}
