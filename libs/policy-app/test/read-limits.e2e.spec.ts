import { connect } from 'node:net';
import { credentials, loadPackageDefinition, status, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import pino from 'pino';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPolicyApi } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { protoRoot } from '../src/grpc/proto-files';
import { issuePolicyBody } from './support/fixtures';
import { freePort, serverStream, unary, type GrpcServiceClient } from './support/grpc-client';
import {
  API_KEYS,
  bearer,
  KEYS,
  makeDataDir,
  publishFixtureProduct,
  registerFixtureAgent,
  removeDataDir,
  startTestApi,
  TestClock,
  type KeyRole,
  type TestApi,
} from './support/test-api';

/**
 * Expensive reads (report pages, policy histories) are limited per API key (issue 12, item 5): one key flooding them
 * gets 429 with Retry-After (gRPC RESOURCE_EXHAUSTED) while another key's reads are served. Low limits here, so the
 * outcome does not depend on how fast the machine is: 2 reads in progress per key, and in full pages of 1,000 rows
 * bursts of 5, then 1 per second.
 */
const READ_LIMITS = {
  READ_LIMIT_CONCURRENCY: '2',
  READ_LIMIT_BURST_ROWS: '5000',
  READ_LIMIT_ROWS_PER_SECOND: '1000',
};

const REPORT = '/v1/reports/premiums-due?from=2020-01-01&to=2030-12-31&limit=1000';

/**
 * Sends `count` GETs pipelined on one connection (all written at once, as the attacker did) and returns the
 * status and Retry-After of every response, in order.
 */
function pipelinedGets(
  server: ReturnType<NestExpressApplication['getHttpServer']>,
  path: string,
  role: KeyRole,
  count: number,
): Promise<{ status: number; retryAfter?: string }[]> {
  const { port } = server.address() as { port: number };
  const requests = Array.from(
    { length: count },
    (_, index) =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEYS[role]}\r\n` +
      `Connection: ${index === count - 1 ? 'close' : 'keep-alive'}\r\n\r\n`,
  ).join('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(requests));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseResponses(Buffer.concat(chunks))));
  });
}

/** Splits HTTP/1.1 responses sent back to back (each with a Content-Length) into status and Retry-After. */
function parseResponses(bytes: Buffer): { status: number; retryAfter?: string }[] {
  const responses: { status: number; retryAfter?: string }[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const headEnd = bytes.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) throw new Error(`truncated response at byte ${offset}`);
    const head = bytes.subarray(offset, headEnd).toString('latin1');
    const header = (name: string) => new RegExp(`^${name}: *(\\S+)`, 'im').exec(head)?.[1];
    responses.push({ status: Number(head.slice(9, 12)), retryAfter: header('retry-after') });
    offset = headEnd + 4 + Number(header('content-length') ?? 0);
  }
  return responses;
}

describe('read limits per API key (REST)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ env: READ_LIMITS });
    const issued = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody('LIMIT-0001'));
    expect(issued.status).toBe(201);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('200 report pages pipelined on one connection by one key → the excess is 429 with Retry-After; another key is served meanwhile', async () => {
    const flood = pipelinedGets(api.app.getHttpServer(), REPORT, 'reporter', 200);
    const otherKey = api.http().get(REPORT).set('Authorization', bearer('auditor'));

    const [responses, other] = await Promise.all([flood, otherKey]);

    expect(other.status).toBe(200);
    expect(responses).toHaveLength(200);
    expect(responses[0].status).toBe(200);
    const refused = responses.filter((response) => response.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.status !== 429 && response.status !== 200)).toEqual([]);
    for (const response of refused) expect(response.retryAfter).toMatch(/^[1-9]\d*$/);
  });

  it('parallel report requests of one key beyond its burst → 429 problem+json TOO_MANY_REQUESTS; another key gets 200', async () => {
    const flood = Array.from({ length: 30 }, () => api.http().get(REPORT).set('Authorization', bearer('supervisor')));
    const otherKey = api.http().get(REPORT).set('Authorization', bearer('admin'));

    const [other, ...responses] = await Promise.all([otherKey, ...flood]);

    expect(other.status).toBe(200);
    const refused = responses.filter((response) => response.status === 429);
    // At most the burst of 5 full pages (plus one a second the test takes) is admitted.
    expect(refused.length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.status !== 429 && response.status !== 200)).toEqual([]);
    const [sample] = refused;
    expect(sample.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(sample.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(sample.headers['x-correlation-id']).toEqual(expect.any(String));
    expect(sample.body).toMatchObject({
      type: 'urn:policy-servicing:problem:TOO_MANY_REQUESTS',
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      detail: expect.stringContaining('supervisor-key'),
    });
  });

  it('the policy history is an expensive read too: a flood of one key → 429; other reads of that key are not limited', async () => {
    const flood = await Promise.all(
      Array.from({ length: 30 }, () =>
        api.http().get('/v1/policies/LIMIT-0001/events?limit=1000').set('Authorization', bearer('clerk')),
      ),
    );

    expect(flood.filter((response) => response.status === 429).length).toBeGreaterThan(0);
    expect(flood.filter((response) => response.status !== 429 && response.status !== 200)).toEqual([]);
    const policy = await api.http().get('/v1/policies/LIMIT-0001').set('Authorization', bearer('clerk'));
    expect(policy.status).toBe(200);
  });

  it('requests without a valid key are not counted against anyone: 401, never 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api.http().get(REPORT).set('Authorization', 'Bearer not-a-key-000000000')),
    );

    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([401]));
  });
});

describe('read limits per API key (gRPC)', () => {
  let app: NestExpressApplication;
  let dataDir: string;
  let reports: GrpcServiceClient;
  let queries: GrpcServiceClient;

  beforeAll(async () => {
    dataDir = makeDataDir();
    const grpcPort = await freePort();
    const config = loadConfig({
      DATA_DIR: dataDir,
      API_KEYS,
      LOG_LEVEL: 'silent',
      GRPC_PORT: String(grpcPort),
      ...READ_LIMITS,
    });
    app = await createPolicyApi(config, { clock: new TestClock('2026-06-15'), logger: pino({ level: 'silent' }) });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    await registerFixtureAgent(app.getHttpServer());
    await publishFixtureProduct(app.getHttpServer(), 'CN');
    const issued = await request(app.getHttpServer())
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody('LIMIT-0002'));
    expect(issued.status).toBe(201);
    const definition = loadSync(['policy/v1/report_service.proto', 'policy/v1/policy_query_service.proto'], {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: false,
      includeDirs: [protoRoot()],
    });
    const { policy } = loadPackageDefinition(definition) as unknown as {
      policy: { v1: Record<string, ServiceClientConstructor> };
    };
    reports = new policy.v1.ReportService(`127.0.0.1:${grpcPort}`, credentials.createInsecure()) as GrpcServiceClient;
    queries = new policy.v1.PolicyQueryService(
      `127.0.0.1:${grpcPort}`,
      credentials.createInsecure(),
    ) as GrpcServiceClient;
  });
  afterAll(async () => {
    reports.close();
    queries.close();
    await app.close();
    removeDataDir(dataDir);
  });

  const transfers = { from: '2020-01-01', to: '2030-12-31', limit: 1000 };

  it('a flood of report rpcs by one key → RESOURCE_EXHAUSTED with TOO_MANY_REQUESTS and retry-after; another key is served', async () => {
    const flood = Array.from({ length: 30 }, () => unary(reports, 'GetTransfers', transfers, { role: 'reporter' }));
    const otherKey = unary(reports, 'GetTransfers', transfers, { role: 'auditor' });

    const [other, ...outcomes] = await Promise.all([otherKey, ...flood]);

    expect(other.ok).toBe(true);
    const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome]));
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) {
      expect(outcome.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(outcome.trailers['error-code']).toBe('TOO_MANY_REQUESTS');
      expect(outcome.trailers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(outcome.status.errorInfo).toMatchObject({ reason: 'TOO_MANY_REQUESTS', domain: 'policy-servicing' });
    }
  });

  it('GetPolicyHistory streams count too: a flood by one key → some end in RESOURCE_EXHAUSTED', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () =>
        serverStream(queries, 'GetPolicyHistory', { policy_id: 'LIMIT-0002' }, { role: 'clerk' }),
      ),
    );

    const codes = outcomes.map((outcome) => outcome.error?.code ?? status.OK);
    expect(codes.filter((code) => code === status.RESOURCE_EXHAUSTED).length).toBeGreaterThan(0);
    expect(codes.filter((code) => code !== status.RESOURCE_EXHAUSTED && code !== status.OK)).toEqual([]);
  });

  it('REST and gRPC reads of one key share its limits', async () => {
    // The supervisor key has not read anything yet: its burst of 5 full pages is used up over REST ...
    const rest = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(app.getHttpServer()).get(REPORT).set('Authorization', bearer('supervisor')),
      ),
    );
    expect(rest.filter((response) => response.status === 429).length).toBeGreaterThan(0);

    // ... so its next gRPC report is refused as well.
    const grpc = await unary(reports, 'GetTransfers', transfers, { role: 'supervisor' });
    expect(grpc).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
  });
});
