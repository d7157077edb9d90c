import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { ServerInterceptingCall, type Metadata, type ServerInterceptor } from '@grpc/grpc-js';
import { loadSync, type MethodDefinition, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { AppConfig } from '../config/app-config';
import { MAX_BODY_BYTES } from '../common/http-pipeline';
import { CORRELATION_ID_PATTERN } from '../common/request-context';
import { GrpcMetrics } from '../metrics/grpc-metrics';
import { ApiProblem } from '../problem/api-problem';
import { CORRELATION_ID_METADATA, grpcErrorOf } from './grpc-errors';
import { GrpcHealth } from './grpc-health';
import { GRPC_PACKAGE_DEFINITION } from './grpc-messages';
import { MessageSchema } from './message-schema';
import { POLICY_PACKAGE, PROTO_LOADER_OPTIONS } from './proto-files';

/** Where the gRPC server listens: every interface, on GRPC_PORT. */
export function grpcAddress(config: AppConfig): string {
  // GRPC_HOST (default 127.0.0.1, as REST); an IPv6 literal goes in brackets.
  const host = config.grpcHost.includes(':') ? `[${config.grpcHost}]` : config.grpcHost;
  return `${host}:${config.grpcPort}`;
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
      packageDefinition: withCheckedDeserializers(packageDefinition),
      url: grpcAddress(config),
      // The same body limit as REST (256 KiB); larger messages are refused by grpc-js with RESOURCE_EXHAUSTED.
      maxReceiveMessageLength: MAX_BODY_BYTES,
      // Nest hands channelOptions to the grpc-js Server as its ServerOptions: calls counted by method and status
      // (the first interceptor is the innermost, so it also counts the calls the second one refuses).
      channelOptions: { interceptors: [app.get(GrpcMetrics).interceptor, rejectRefusedRequests] },
      onLoadPackageDefinition: (definition, server) => {
        health.addToServer(server);
        const healthDefinition = loadSync(healthProtoPath, PROTO_LOADER_OPTIONS);
        new ReflectionService({ ...definition, ...healthDefinition }).addToServer(server);
      },
    },
  };
  app.connectMicroservice(options, { inheritAppConfig: false });
}

/** What a request deserializer yields for a request it refuses to decode: too wide, or not the request message. */
class RefusedRequest {
  constructor(readonly problem: ApiProblem) {}
}

type AnyMethodDefinition = MethodDefinition<object, object>;

/**
 * The package definition as served: each method's request deserializer first checks the width limits of REST bodies
 * on the wire bytes (MessageSchema.widthProblem: decoding 128,000 empty entries blocks the event loop for hundreds of
 * milliseconds), then decodes, answering a RefusedRequest instead of throwing: grpc-js turns a throwing deserializer
 * into INTERNAL ("Error deserializing request"), but bytes that are not the request message are the caller's
 * mistake. rejectRefusedRequests answers both with INVALID_ARGUMENT.
 */
function withCheckedDeserializers(definition: PackageDefinition): PackageDefinition {
  const schema = new MessageSchema(definition, POLICY_PACKAGE);
  const served: PackageDefinition = {};
  for (const [name, entry] of Object.entries(definition)) {
    // Message and enum types carry their `format`; services are maps of method definitions.
    if ('format' in entry) {
      served[name] = entry;
      continue;
    }
    served[name] = Object.fromEntries(
      Object.entries(entry as Record<string, AnyMethodDefinition>).map(([method, methodDefinition]) => {
        const { requestDeserialize, requestType } = methodDefinition;
        const typeName = (requestType.type as { name?: string }).name ?? 'request';
        const checked = (bytes: Buffer): object => {
          const tooWide = schema.widthProblem(typeName, bytes);
          if (tooWide !== undefined) {
            const subject = tooWide.path === '' ? 'The request' : tooWide.path;
            return new RefusedRequest(ApiProblem.validation(`${subject} ${tooWide.message}`, [tooWide]));
          }
          try {
            return requestDeserialize(bytes);
          } catch {
            return new RefusedRequest(
              ApiProblem.validation(`The request is not a valid protobuf ${typeName} message`, [
                { path: '', message: `not a valid ${typeName} message` },
              ]),
            );
          }
        };
        return [method, { ...methodDefinition, requestDeserialize: checked }];
      }),
    );
  }
  return served;
}

/**
 * Ends a call whose request was refused before decoding (too wide, not the request message) with INVALID_ARGUMENT
 * (VALIDATION_FAILED in the details, as for any other malformed request), before it reaches the handler.
 */
const rejectRefusedRequests: ServerInterceptor = (_method, call) => {
  let correlationId: string | undefined;
  let rejected = false;
  return new ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMetadata: (metadata: Metadata, nextMetadata) => {
          const [given] = metadata.get(CORRELATION_ID_METADATA);
          if (typeof given === 'string' && CORRELATION_ID_PATTERN.test(given)) correlationId = given;
          nextMetadata(metadata);
        },
        onReceiveMessage: (message: unknown, nextMessage) => {
          if (!(message instanceof RefusedRequest)) {
            nextMessage(message);
            return;
          }
          rejected = true;
          call.sendStatus(grpcErrorOf(message.problem, correlationId ?? randomUUID()));
        },
        onReceiveHalfClose: (nextHalfClose) => {
          if (!rejected) nextHalfClose();
        },
      }),
  });
};
