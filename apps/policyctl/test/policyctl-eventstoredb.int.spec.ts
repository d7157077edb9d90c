/**
 * policyctl against EventStoreDB (EVENTSTORE_CONNECTION_STRING; CI runs it against the protocol emulator, with and
 * without standard projections): the commands resolve to their exit code, which means the event store's close()
 * resolved — a $all read left early used to keep it waiting for ever, and the process then ended with exit code 0
 * whatever had happened (issue 13). Re-runnable on a shared server: the policy it writes has a fresh id.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@lib/event-sourcing';
import { EsdbEventStore } from '@lib/eventstore-esdb';
import { runCli } from '../src/cli';
import type { CliIo } from '../src/cli-io';
import { issuePolicyBody, bearer, makeDataDir, removeDataDir, startTestApi } from '@lib/policy-app/testing';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
/** The defect was a hang: fail with a message rather than at the test timeout. */
const HANG_MS = 20_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function policyctl(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  interruptWhen?: (stderr: string) => boolean,
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const interrupt = new AbortController();
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => {
        stderr += text;
        if (interruptWhen?.(stderr)) interrupt.abort();
      },
    },
    env,
    signal: interrupt.signal,
  };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`policyctl ${argv.join(' ')} did not end: ${stderr}`)), HANG_MS);
  });
  const code = await Promise.race([runCli(argv, io), hang]).finally(() => clearTimeout(timer));
  return { code, stdout, stderr };
}

if (connectionString === undefined || connectionString === '') {
  process.stdout.write('policyctl EventStoreDB suite skipped: EVENTSTORE_CONNECTION_STRING is not set\n');
  // Skipped, not failed: no EventStoreDB here. `.ci/run` runs this suite against the protocol emulator
  // (scripts/esdb-suites.sh sets EVENTSTORE_CONNECTION_STRING); docker/README.md runs it against a real server.
  it.skip('policyctl on EventStoreDB (needs EVENTSTORE_CONNECTION_STRING)', () => undefined);
} else {
  describe('policyctl on EventStoreDB', () => {
    const dataDir = makeDataDir();
    const env = { EVENTSTORE_CONNECTION_STRING: connectionString, DATA_DIR: dataDir };
    const run = randomUUID().slice(0, 8).toUpperCase();
    // Enough events that a $all read left early near the head used to leave the rest of its reply unread.
    const policyIds = Array.from({ length: 40 }, (_, index) => `PCTL-${run}-${index}`);
    const policyId = policyIds[0];

    beforeAll(async () => {
      const api = await startTestApi({ dataDir, env: { EVENTSTORE_CONNECTION_STRING: connectionString } });
      try {
        for (const id of policyIds) {
          await api
            .http()
            .post('/v1/policies')
            .set('Authorization', bearer('clerk'))
            .send(issuePolicyBody(id))
            .expect(201);
        }
      } finally {
        await api.close();
      }
    });
    afterAll(() => removeDataDir(dataDir));

    it('rebuild page by page (one event a page) reads $all to its end, swaps the read models in and exits 0', async () => {
      const run = await policyctl(env, ['rebuild', '--batch-size', '1']);

      expect(run).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^Rebuilt the sqlite read models from \d+ events/),
      });
    });

    it('rebuild passes over another application’s events on the shared server and says so on stderr', async () => {
      const otherApplication = EsdbEventStore.connect(connectionString);
      try {
        // A JSON array: not of this application's shape (the adapter does not check the shape on append).
        const eventId = randomUUID();
        const data = [3, 1, 4] as unknown as JsonObject;
        await otherApplication.append(
          `inventory-${run}`,
          [{ eventId, type: 'StockCounted', data, metadata: {} }],
          'any',
        );
      } finally {
        await otherApplication.close();
      }

      const rebuilt = await policyctl(env, ['rebuild']);

      expect(rebuilt.code).toBe(0);
      expect(rebuilt.stderr).toMatch(/policyctl: passed over \d+ event\(s\) that are not of this application/);
    });

    it('an interrupted rebuild exits 130, not 0', async () => {
      const run = await policyctl(env, ['rebuild'], (stderr) => /counting events/.test(stderr));

      expect(run.code).toBe(130);
      expect(run.stderr).toContain('interrupted; nothing was swapped in or changed');
    });

    it('replay of an unknown policy exits 1; of a known one, 0', async () => {
      expect((await policyctl(env, ['replay', 'NO-SUCH-POLICY'])).code).toBe(1);
      const known = await policyctl(env, ['replay', policyId]);
      // stderr in the comparison, so that a failure shows why.
      expect(known).toEqual({ code: 0, stdout: expect.stringContaining(policyId), stderr: '' });
    });
  });
}
