import { setTimeout as sleep } from 'node:timers/promises';
import { issuePolicyBody, money } from './support/fixtures';
import { protoFields, startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { expectProcessMetrics, parseExposition, type ParsedExposition } from '@lib/worker-runtime/testing';
import { bearer, removeDataDir, startTestApi, type KeyRole, type TestApi, E2E_STORE } from './support/test-api';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const COMMAND_SERVICE = 'policy.v1.PolicyCommandService';

/** `text/plain; charset=utf-8; version=0.0.4` → its media type and sorted parameters (Express reorders them). */
function mediaType(header: string | undefined): string[] {
  const [type, ...parameters] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  return [type, ...parameters.sort()];
}
const PROMETHEUS_MEDIA_TYPE = ['text/plain', 'charset=utf-8', 'version=0.0.4'];

/** GET /metrics over HTTP against the real hybrid app (REST + gRPC) on a temporary DATA_DIR. */
describe('GET /metrics', () => {
  let api: GrpcTestApi;

  beforeAll(async () => {
    api = await startGrpcTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  async function scrape(): Promise<{ text: string; parsed: ParsedExposition }> {
    const response = await api.http().get('/metrics').set('Authorization', bearer('admin')).expect(200);
    return { text: response.text, parsed: parseExposition(response.text) };
  }

  it('without a key → 401 problem+json', async () => {
    const response = await api.http().get('/metrics').expect(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });

  it.each<KeyRole>(['clerk', 'supervisor', 'system'])('with a %s key → 403 problem+json', async (role) => {
    const response = await api.http().get('/metrics').set('Authorization', bearer(role)).expect(403);
    expect(response.body.code).toBe('FORBIDDEN');
    expect(response.body.detail).toMatch(/admin, auditor, reporter/);
  });

  it.each<KeyRole>(['admin', 'auditor', 'reporter'])('with a %s key → 200 Prometheus text', async (role) => {
    const response = await api.http().get('/metrics').set('Authorization', bearer(role)).expect(200);
    expect(mediaType(response.headers['content-type'])).toEqual(PROMETHEUS_MEDIA_TYPE);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(() => parseExposition(response.text)).not.toThrow();
  });

  it('counts HTTP requests by route template, gRPC calls by status code, and command outcomes', async () => {
    const clerk = bearer('clerk');
    const issued = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', clerk)
      .set('Idempotency-Key', 'metrics-issue-1')
      .send(issuePolicyBody('MET-0001'));
    expect(issued.status).toBe(201);
    const replayed = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', clerk)
      .set('Idempotency-Key', 'metrics-issue-1')
      .send(issuePolicyBody('MET-0001'));
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    const rejected = await api
      .http()
      .post('/v1/policies/MET-0001/premium-payments')
      .set('Authorization', clerk)
      .send({ installmentNo: 2, amount: money(1), paidOn: '2023-01-10', receiptNo: 'R-2' });
    expect(rejected.status).toBe(422);
    expect(rejected.body.code).toBe('PREMIUM_AMOUNT_MISMATCH');
    await api.http().get('/no/such/route').set('Authorization', clerk).expect(404);
    expect((await unary(api.commands, 'IssuePolicy', protoFields(issuePolicyBody('MET-0002')))).ok).toBe(true);
    const anonymous = await unary(api.commands, 'IssuePolicy', protoFields(issuePolicyBody('MET-0003')), {
      role: null,
    });
    expect(anonymous.ok).toBe(false);

    const { text, parsed } = await scrape();

    // HTTP: the counter and the histogram by method, route template and status (class).
    const issueRoute = { method: 'POST', route: '/v1/policies' };
    expect(parsed.value('policy_api_http_requests_total', { ...issueRoute, status: '201' })).toBe(2);
    const paymentRoute = { method: 'POST', route: '/v1/policies/:id/premium-payments' };
    expect(parsed.value('policy_api_http_requests_total', { ...paymentRoute, status: '422' })).toBe(1);
    expect(parsed.value('policy_api_http_requests_total', { method: 'GET', route: 'unrouted', status: '404' })).toBe(1);
    expect(parsed.value('policy_api_http_request_duration_seconds_count', { ...issueRoute, status_class: '2xx' })).toBe(
      2,
    );
    expect(
      parsed.value('policy_api_http_request_duration_seconds_bucket', {
        ...issueRoute,
        status_class: '2xx',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(
      parsed.value('policy_api_http_request_duration_seconds_sum', { ...issueRoute, status_class: '2xx' }),
    ).toBeGreaterThan(0);
    expect(
      parsed.value('policy_api_http_request_duration_seconds_count', { ...paymentRoute, status_class: '4xx' }),
    ).toBe(1);
    // Earlier scrapes of this suite (the 401 and 403 above) are counted under their route too.
    expect(parsed.value('policy_api_http_requests_total', { method: 'GET', route: '/metrics', status: '401' })).toBe(1);
    // Route templates only: no policy id or raw URL becomes a label value.
    expect(text).not.toMatch(/MET-000|no\/such/);

    // gRPC: by service, method and status code, including the call the auth guard refused.
    const grpcIssue = { service: COMMAND_SERVICE, method: 'IssuePolicy' };
    expect(parsed.value('policy_api_grpc_server_handled_total', { ...grpcIssue, code: 'OK' })).toBe(1);
    expect(parsed.value('policy_api_grpc_server_handled_total', { ...grpcIssue, code: 'UNAUTHENTICATED' })).toBe(1);
    expect(parsed.value('policy_api_grpc_server_handling_seconds_count', grpcIssue)).toBe(2);

    // Commands (both transports): created, replayed, rejected with the problem code.
    expect(parsed.value('policy_api_commands_total', { command: 'IssuePolicy', outcome: 'created' })).toBe(2);
    expect(parsed.value('policy_api_commands_total', { command: 'IssuePolicy', outcome: 'replayed' })).toBe(1);
    expect(
      parsed.value('policy_api_commands_total', {
        command: 'RecordPremiumPayment',
        outcome: 'rejected',
        code: 'PREMIUM_AMOUNT_MISMATCH',
      }),
    ).toBe(1);

    // Every family is documented.
    for (const family of parsed.families.values())
      expect({ [family.name]: family.help }).not.toEqual({ [family.name]: undefined });
  });

  it('reports event-store readiness, the read models catching up, the projection state and the process', async () => {
    let parsed = (await scrape()).parsed;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (
        parsed.value('policy_api_read_model_lag_events') === 0 &&
        (parsed.value('policy_api_read_model_events_applied_total') ?? 0) >= 2
      )
        break;
      await sleep(100);
      parsed = (await scrape()).parsed;
    }
    expect(parsed.value('policy_api_event_store_ready', { mode: E2E_STORE.mode })).toBe(1);
    expect(parsed.value('policy_api_read_model_up')).toBe(1);
    expect(parsed.value('policy_api_read_model_lag_events')).toBe(0);
    expect(parsed.value('policy_api_read_model_lag_seconds')).toBe(0);
    expect(parsed.value('policy_api_read_model_events_applied_total')).toBeGreaterThanOrEqual(2);
    expect(parsed.value('policy_api_embedded_projection_state', { state: 'running' })).toBe(1);
    expect(parsed.value('policy_api_embedded_projection_state', { state: 'disabled' })).toBe(0);
    expect(parsed.families.get('policy_api_read_model_events_applied_total')?.type).toBe('counter');

    // The process's runtime metrics (prom-client's default metrics): CPU, memory, heap, event-loop lag, GC.
    expectProcessMetrics(parsed);
    expect(parsed.value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(parsed.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('is documented in the OpenAPI document with its roles, METRICS_PUBLIC, text/plain and 401/403', async () => {
    const { body: document } = await api.http().get('/docs-json').expect(200);
    const operation = document.paths['/metrics']?.get;
    expect(operation.summary).toMatch(/admin, auditor, reporter/);
    expect(operation.description).toMatch(/METRICS_PUBLIC=true/);
    expect(Object.keys(operation.responses['200'].content)).toEqual([CONTENT_TYPE]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
  });
});

describe('GET /metrics with METRICS_PUBLIC=true', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ env: { METRICS_PUBLIC: 'true' } });
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('answers without a key (and the rest of the API still needs one)', async () => {
    const response = await api.http().get('/metrics').expect(200);
    expect(mediaType(response.headers['content-type'])).toEqual(PROMETHEUS_MEDIA_TYPE);
    expect(() => parseExposition(response.text)).not.toThrow();
    await api.http().get('/v1/whoami').expect(401);
  });
});
