import { loadPackageDefinition, credentials, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { removeDataDir } from './support/test-api';
import { startGrpcTestApi, unary, type GrpcServiceClient, type GrpcTestApi } from './support/grpc-client';

/** What grpcurl and load balancers rely on: grpc.health.v1 (no auth) and server reflection. */
describe('gRPC health and server reflection', () => {
  let api: GrpcTestApi;
  let reflection: GrpcServiceClient;

  beforeAll(async () => {
    api = await startGrpcTestApi();
    const protoDir = require.resolve('@grpc/reflection/package.json').replace(/package\.json$/, 'build/proto');
    const definition = loadSync('grpc/reflection/v1/reflection.proto', { keepCase: true, includeDirs: [protoDir] });
    const loaded = loadPackageDefinition(definition) as unknown as {
      grpc: { reflection: { v1: { ServerReflection: ServiceClientConstructor } } };
    };
    reflection = new loaded.grpc.reflection.v1.ServerReflection(
      api.grpcAddress,
      credentials.createInsecure(),
    ) as GrpcServiceClient;
  });
  afterAll(async () => {
    reflection.close();
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('Check answers SERVING for the server and each service while the event store is ready', async () => {
    for (const service of ['', 'policy.v1.PolicyCommandService', 'policy.v1.PolicyQueryService']) {
      const outcome = await unary(api.health, 'Check', { service }, { role: null });
      expect(outcome.ok && outcome.reply).toEqual({ status: 'SERVING' });
    }
  });

  function reflect(request: object): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const call = (
        reflection.ServerReflectionInfo as (metadata: Metadata) => NodeJS.ReadWriteStream & {
          write(message: object): boolean;
          end(): void;
        }
      ).call(reflection, new Metadata());
      call.on('data', (response: Record<string, unknown>) => {
        resolve(response);
        call.end();
      });
      call.on('error', reject);
      call.write(request);
    });
  }

  it('lists our services and health, and serves the descriptors of the published protos', async () => {
    const listed = await reflect({ list_services: '' });
    const names = (listed.list_services_response as { service: { name: string }[] }).service.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'policy.v1.PolicyCommandService',
        'policy.v1.PolicyQueryService',
        'grpc.health.v1.Health',
      ]),
    );
    const files = await reflect({ file_containing_symbol: 'policy.v1.PolicyCommandService' });
    const descriptors = (files.file_descriptor_response as { file_descriptor_proto: Buffer[] }).file_descriptor_proto;
    const text = Buffer.concat(descriptors).toString('latin1');
    // proto-loader groups the descriptors per package (policy_v1.proto); names and numbers are the published ones.
    expect(text).toContain('policy.v1');
    expect(text).toContain('RecordPremiumPayment');
    expect(text).toContain('expected_revision');
  });
});
