/**
 * `policyctl replay` as an auditor reads it: every change of an endorsement is printed (not `changes=[3 items]`), and
 * a stream holding an event this version cannot read (an unknown type, a newer schema version) ends with one line
 * naming the stream and revision, exit 1, no stack trace.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { JsonObject } from '@lib/event-sourcing';
import { SqliteEventStore } from '@lib/eventstore-sqlite';
import { runCli } from '../src/cli';
import type { CliIo } from '../src/cli-io';
import { issuePolicyBody, bearer, makeDataDir, removeDataDir, startTestApi } from '@lib/policy-app/testing';

async function policyctl(dataDir: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { DATA_DIR: dataDir },
    signal: new AbortController().signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('policyctl replay: readable changes, unreadable events', () => {
  const dataDir = makeDataDir();

  beforeAll(async () => {
    const api = await startTestApi({ dataDir });
    try {
      for (const policyId of ['RDB-0001', 'RDB-0002', 'RDB-0003']) {
        await api
          .http()
          .post('/v1/policies')
          .set('Authorization', bearer('clerk'))
          .send(issuePolicyBody(policyId))
          .expect(201);
      }
      await api
        .http()
        .post('/v1/policies/RDB-0001/contract-changes')
        .set('Authorization', bearer('clerk'))
        .send({
          effectiveDate: '2022-02-01',
          changes: [
            { kind: 'CONTACT', phone: '+86 139 0000 0002', address: '1 Nanjing Rd, Shanghai' },
            { kind: 'OCCUPATION', party: 'INSURED', occupationCode: 'STUDENT' },
            { kind: 'DISCLOSURE', text: 'Insured took up competitive swimming.', documentRef: 'DOC-7' },
          ],
        })
        .expect(201);
    } finally {
      await api.close();
    }
    // What a newer release could have written: an event type this one lacks, a schema version beyond its own.
    const events = await SqliteEventStore.open({ path: join(dataDir, 'events.sqlite') });
    const event = (type: string, data: JsonObject, schemaVersion: number) => ({
      eventId: randomUUID(),
      type,
      data,
      metadata: { recordedAt: '2026-06-15T08:00:00.000Z', schemaVersion },
    });
    try {
      await events.append('policy-RDB-0002', [event('PolicyTeleported', { to: 'Mars' }, 1)], 0);
      await events.append('policy-RDB-0003', [event('PremiumPaid', { installmentNo: 2 }, 99)], 0);
    } finally {
      await events.close();
    }
  });
  afterAll(() => removeDataDir(dataDir));

  it('each change of a ContractChanged on its own line, with its fields', async () => {
    const run = await policyctl(dataDir, 'replay', 'RDB-0001');

    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/\[\d+ items?\]/);
    expect(run.stdout).toMatch(
      /ContractChanged v\d+\n.+\n {4}endorsementNo=RDB-0001-E1 effectiveDate=2022-02-01.*\n {4}changes\[0\]: kind=CONTACT phone="\+86 139 0000 0002" address="1 Nanjing Rd, Shanghai"\n {4}changes\[1\]: kind=OCCUPATION party=INSURED occupationCode=STUDENT\n {4}changes\[2\]: kind=DISCLOSURE text="Insured took up competitive swimming." documentRef=DOC-7\n/,
    );
  });

  it.each([
    ['RDB-0002', 'an unknown event type', 'event PolicyTeleported schema v1'],
    ['RDB-0003', 'a newer schema version', 'event PremiumPaid schema v99'],
  ])('%s (%s) → exit 1, one line naming the stream and revision', async (policyId, _case, what) => {
    for (const args of [[], ['--json']]) {
      const run = await policyctl(dataDir, 'replay', policyId, ...args);

      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toBe(
        `policyctl replay: stream policy-${policyId} revision 1: this version of policyctl cannot read ${what} ` +
          '(an unknown type or a newer schema version); run the policyctl of the release that wrote it\n',
      );
    }
  });

  it('--revision before the unreadable event still replays what this version can read', async () => {
    const run = await policyctl(dataDir, 'replay', 'RDB-0002', '--revision', '0');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Resulting state (revision 0): IN_FORCE');
  });
});
