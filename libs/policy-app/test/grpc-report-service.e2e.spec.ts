import { loadPackageDefinition, status, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoRoot } from '../src/grpc/proto-files';
import { removeDataDir, E2E_STORE } from './support/test-api';
import { startGrpcTestApi, unary, type GrpcServiceClient, type GrpcTestApi } from './support/grpc-client';
import { seedReportScenario, waitUntilCaughtUp } from './support/report-scenario';

/** ReportService over the real hybrid app: the same report handler, validation and roles as GET /v1/reports/*. */
describe(`gRPC ReportService (${E2E_STORE.mode}, embedded projection)`, () => {
  let api: GrpcTestApi;
  let reports: GrpcServiceClient;

  beforeAll(async () => {
    api = await startGrpcTestApi({ fixtureAgent: false }); // the report scenario registers its own agents
    const definition = loadSync('policy/v1/report_service.proto', {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: false,
      includeDirs: [protoRoot()],
    });
    const loaded = loadPackageDefinition(definition) as unknown as {
      policy: { v1: Record<string, ServiceClientConstructor> };
    };
    reports = api.client(loaded.policy.v1.ReportService);
    await seedReportScenario(api);
    await waitUntilCaughtUp(api);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('GetLapses → the REST items as messages, with caught_up and the correlation id echoed', async () => {
    const outcome = await unary(
      reports,
      'GetLapses',
      { from: '2024-01-01', to: '2024-12-31', limit: 10 },
      { role: 'auditor', metadata: { 'x-correlation-id': 'report-1' } },
    );
    if (!outcome.ok) throw new Error(`${outcome.code} ${outcome.details}`);
    expect(outcome.headers['x-correlation-id']).toBe('report-1');
    expect(outcome.reply.items).toEqual([
      expect.objectContaining({
        policy_id: 'REP-0001',
        lapse_no: 1,
        status: 'REINSTATED',
        reinstated_on: '2024-05-01',
        reinstatement_total: { amount: 507_329, currency: 'CNY' },
      }),
    ]);
    // The scenario's 9 events and the harness's product ENDOW-4 (projected into products).
    expect(outcome.reply.caught_up).toMatchObject({ events_applied: 10, lag_events: 0, quarantined_streams: 0 });
  });

  it('GetPremiumsDue pages like REST: limit, then next_cursor', async () => {
    const first = await unary(
      reports,
      'GetPremiumsDue',
      { from: '2022-01-01', to: '2026-12-31', limit: 5 },
      {
        role: 'reporter',
      },
    );
    if (!first.ok) throw new Error(`${first.code} ${first.details}`);
    expect(first.reply.items).toHaveLength(5);
    const rest = await unary(
      reports,
      'GetPremiumsDue',
      { from: '2022-01-01', to: '2026-12-31', cursor: first.reply.next_cursor },
      { role: 'reporter' },
    );
    if (!rest.ok) throw new Error(`${rest.code} ${rest.details}`);
    expect(rest.reply.items).toHaveLength(3);
    expect(rest.reply.next_cursor).toBeFalsy();
  });

  it('an invalid range → INVALID_ARGUMENT with the field violation; a clerk → PERMISSION_DENIED', async () => {
    const invalid = await unary(
      reports,
      'GetTransfers',
      { from: '2024-12-31', to: '2024-01-01' },
      { role: 'reporter' },
    );
    if (invalid.ok) throw new Error('expected INVALID_ARGUMENT');
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.trailers['error-code']).toBe('VALIDATION_FAILED');
    expect(invalid.status.fieldViolations.map((violation) => violation.field)).toEqual(['to']);

    const clerk = await unary(reports, 'GetAgentWorkload', {}, { role: 'clerk' });
    if (clerk.ok) throw new Error('expected PERMISSION_DENIED');
    expect(clerk.code).toBe(status.PERMISSION_DENIED);
    expect(clerk.status.errorInfo?.reason).toBe('FORBIDDEN');
  });
});
