import type { INestApplication } from '@nestjs/common';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { AppConfig } from '../config/app-config';
import { MAX_BODY_BYTES } from '../common/http-pipeline';
import { GrpcMetrics } from '../metrics/grpc-metrics';
import { GrpcHealth } from './grpc-health';
import { GRPC_PACKAGE_DEFINITION } from './grpc-messages';
import { POLICY_PACKAGE, PROTO_LOADER_OPTIONS } from './proto-files';

/** Where the gRPC server listens: every interface, on GRPC_PORT. */
export function grpcAddress(config: AppConfig): string {
  return `0.0.0.0:${config.grpcPort}`;
}

/**
 * Connects the gRPC transport to the REST app (a hybrid app: one process, one Nest container, the same handlers).
 * It listens once `app.startAllMicroservices()` is called. The gRPC side does not inherit the REST app's global
 * guard and filter (they speak HTTP); its controllers carry GrpcAuthGuard and GrpcProblemFilter instead.
 * Besides our services, the server answers grpc.health.v1 and server reflection (v1 and v1alpha), so grpcurl works.
 */
export function connectGrpc(app: INestApplication, config: AppConfig): void {
  const packageDefinition = app.get<PackageDefinition>(GRPC_PACKAGE_DEFINITION);
  const health = app.get(GrpcHealth);
  const options: GrpcOptions = {
    transport: Transport.GRPC,
    options: {
      package: POLICY_PACKAGE,
      packageDefinition,
      url: grpcAddress(config),
      // The same body limit as REST (256 KiB); larger messages are refused by grpc-js with RESOURCE_EXHAUSTED.
      maxReceiveMessageLength: MAX_BODY_BYTES,
      // Nest hands channelOptions to the grpc-js Server as its ServerOptions: calls counted by method and status.
      channelOptions: { interceptors: [app.get(GrpcMetrics).interceptor] },
      onLoadPackageDefinition: (definition, server) => {
        health.addToServer(server);
        const healthDefinition = loadSync(healthProtoPath, PROTO_LOADER_OPTIONS);
        new ReflectionService({ ...definition, ...healthDefinition }).addToServer(server);
      },
    },
  };
  app.connectMicroservice(options, { inheritAppConfig: false });
}
