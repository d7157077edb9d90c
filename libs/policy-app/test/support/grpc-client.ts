import { createServer } from 'node:net';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import pino from 'pino';
import { createPolicyApi } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { protoRoot } from '../../src/grpc/proto-files';
import {
  API_KEYS,
  E2E_STORE,
  KEYS,
  makeDataDir,
  publishFixtureProduct,
  registerFixtureAgent,
  TestClock,
  type KeyRole,
  type TestApi,
} from './test-api';
import request from 'supertest';

/**
 * A client as a consumer of the published protos would write it: @grpc/proto-loader over proto/, plain grpc-js.
 * longs: Number is the client's choice here (the test values are small); defaults: true fills unset scalars.
 */
const CLIENT_LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: false };

type Message = Record<string, unknown>;
type UnaryMethod = (
  request: Message,
  metadata: Metadata,
  callback: (error: ServiceError | null, reply?: Message) => void,
) => ClientUnaryCall;
type StreamMethod = (request: Message, metadata: Metadata) => ClientReadableStream<Message>;

export interface GrpcServiceClient extends Client {
  [method: string]: unknown;
}

interface RpcStatusDetails {
  readonly code: number;
  readonly message: string;
  readonly errorInfo?: { reason: string; domain: string; metadata: Record<string, string> };
  readonly fieldViolations: { field: string; description: string }[];
}

export type UnaryOutcome =
  | { ok: true; reply: Message; headers: Record<string, string> }
  | { ok: false; code: number; details: string; trailers: Record<string, string>; status: RpcStatusDetails };

export interface CallOptions {
  /** The role whose API key goes into `authorization` (default clerk); null sends none. */
  readonly role?: KeyRole | null;
  readonly metadata?: Record<string, string>;
}

function metadataOf(options: CallOptions = {}): Metadata {
  const metadata = new Metadata();
  const role = options.role === undefined ? 'clerk' : options.role;
  if (role !== null) metadata.set('authorization', `Bearer ${KEYS[role]}`);
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  return metadata;
}

function plain(metadata: Metadata | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) {
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}

/** Calls a unary rpc and reports either the reply with its response headers or the error with its trailers. */
export function unary(
  client: GrpcServiceClient,
  method: string,
  message: Message,
  options: CallOptions = {},
): Promise<UnaryOutcome> {
  return new Promise((resolve) => {
    let headers: Record<string, string> = {};
    const call = (client[method] as UnaryMethod).call(client, message, metadataOf(options), (error, reply) => {
      if (error === null) {
        resolve({ ok: true, reply: reply!, headers });
        return;
      }
      const detailsBin = error.metadata?.get('grpc-status-details-bin')[0];
      resolve({
        ok: false,
        code: error.code,
        details: error.details,
        trailers: plain(error.metadata),
        status: decodeRpcStatus(Buffer.isBuffer(detailsBin) ? detailsBin : Buffer.alloc(0)),
      });
    });
    call.on('metadata', (metadata: Metadata) => {
      headers = plain(metadata);
    });
  });
}

/** Reads a server stream to its end: the messages and headers, or the error. */
export function serverStream(
  client: GrpcServiceClient,
  method: string,
  message: Message,
  options: CallOptions = {},
): Promise<{ messages: Message[]; headers: Record<string, string>; error?: ServiceError }> {
  return new Promise((resolve) => {
    const messages: Message[] = [];
    let headers: Record<string, string> = {};
    const call = (client[method] as StreamMethod).call(client, message, metadataOf(options));
    call.on('metadata', (metadata: Metadata) => {
      headers = plain(metadata);
    });
    call.on('data', (item: Message) => messages.push(item));
    call.on('error', (error: ServiceError) => resolve({ messages, headers, error }));
    call.on('end', () => resolve({ messages, headers }));
  });
}

/** google.protobuf.Struct (as proto-loader decodes it) → JSON. */
export function fromStruct(struct: unknown): Record<string, unknown> {
  const fields = (struct as { fields?: Record<string, Message> } | null)?.fields ?? {};
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, fromValue(value)]));
}

function fromValue(value: Message): unknown {
  if (value.structValue != null) return fromStruct(value.structValue);
  if (value.listValue != null) return ((value.listValue as { values?: Message[] }).values ?? []).map(fromValue);
  if (value.stringValue != null) return value.stringValue;
  if (value.numberValue != null) return value.numberValue;
  if (value.boolValue != null) return value.boolValue;
  return null;
}

/** A minimal protobuf reader for google.rpc.Status / ErrorInfo / BadRequest (proto/google/rpc). */
export function decodeRpcStatus(buffer: Buffer): RpcStatusDetails {
  const status = { code: 0, message: '', fieldViolations: [] as RpcStatusDetails['fieldViolations'] } as {
    code: number;
    message: string;
    errorInfo?: RpcStatusDetails['errorInfo'];
    fieldViolations: RpcStatusDetails['fieldViolations'];
  };
  for (const [field, value] of readFields(buffer)) {
    if (field === 1) status.code = value as number;
    if (field === 2) status.message = (value as Buffer).toString('utf8');
    if (field !== 3) continue;
    let typeUrl = '';
    let payload: Buffer = Buffer.alloc(0);
    for (const [anyField, anyValue] of readFields(value as Buffer)) {
      if (anyField === 1) typeUrl = (anyValue as Buffer).toString('utf8');
      if (anyField === 2) payload = anyValue as Buffer;
    }
    if (typeUrl.endsWith('/google.rpc.ErrorInfo')) {
      const info = { reason: '', domain: '', metadata: {} as Record<string, string> };
      for (const [infoField, infoValue] of readFields(payload)) {
        if (infoField === 1) info.reason = (infoValue as Buffer).toString('utf8');
        if (infoField === 2) info.domain = (infoValue as Buffer).toString('utf8');
        if (infoField === 3) {
          const entry = Object.fromEntries(readFields(infoValue as Buffer).map(([n, v]) => [n, String(v)]));
          info.metadata[entry[1]] = entry[2];
        }
      }
      status.errorInfo = info;
    }
    if (typeUrl.endsWith('/google.rpc.BadRequest')) {
      for (const [, violation] of readFields(payload)) {
        const parts = Object.fromEntries(readFields(violation as Buffer).map(([n, v]) => [n, String(v)]));
        status.fieldViolations.push({ field: parts[1] ?? '', description: parts[2] ?? '' });
      }
    }
  }
  return status;
}

function readFields(buffer: Buffer): [number, number | Buffer][] {
  const fields: [number, number | Buffer][] = [];
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 1;
    for (;;) {
      const byte = buffer[offset++];
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
  };
  while (offset < buffer.length) {
    const key = varint();
    const wireType = key & 7;
    if (wireType === 0) fields.push([key >>> 3, varint()]);
    else if (wireType === 2) {
      const length = varint();
      fields.push([key >>> 3, buffer.subarray(offset, offset + length)]);
      offset += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
  return fields;
}

/** A port nobody listens on right now (Nest's gRPC transport cannot bind port 0 and tell us the port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface GrpcTestApi extends TestApi {
  readonly grpcAddress: string;
  readonly commands: GrpcServiceClient;
  readonly queries: GrpcServiceClient;
  /** grpc.health.v1.Health. */
  readonly health: GrpcServiceClient;
  /** A client for any service of the loaded package definition (e.g. reflection), closed with the others. */
  client(service: ServiceClientConstructor): GrpcServiceClient;
}

/**
 * The real hybrid app (REST on an ephemeral port, gRPC on a free port) over a temporary data dir and the configured
 * store (E2E_STORE), with clients.
 */
export async function startGrpcTestApi(
  options: { dataDir?: string; today?: string; fixtureAgent?: boolean } = {},
): Promise<GrpcTestApi> {
  const dataDir = options.dataDir ?? makeDataDir();
  const clock = new TestClock(options.today ?? '2026-06-15');
  const grpcPort = await freePort();
  const config = loadConfig({
    DATA_DIR: dataDir,
    API_KEYS,
    LOG_LEVEL: 'silent',
    GRPC_PORT: String(grpcPort),
    SAMPLE_CATALOGUE: 'false',
    ...E2E_STORE.env,
  });
  const app = await createPolicyApi(config, { clock, logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }) });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  if (options.fixtureAgent !== false) await registerFixtureAgent(app.getHttpServer());
  await publishFixtureProduct(app.getHttpServer(), config.jurisdiction);
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  const clients: Client[] = [];
  const connect = (service: ServiceClientConstructor): GrpcServiceClient => {
    const client = new service(grpcAddress, credentials.createInsecure()) as GrpcServiceClient;
    clients.push(client);
    return client;
  };
  const root = protoRoot();
  const definition = loadSync(
    ['policy/v1/policy_command_service.proto', 'policy/v1/policy_query_service.proto', 'health/v1/health.proto'],
    {
      ...CLIENT_LOADER_OPTIONS,
      includeDirs: [root, `${require.resolve('grpc-health-check/package.json').replace(/package\.json$/, '')}proto`],
    },
  );
  const loaded = loadPackageDefinition(definition) as unknown as {
    policy: { v1: Record<string, ServiceClientConstructor> };
    grpc: { health: { v1: Record<string, ServiceClientConstructor> } };
  };
  const server = app.getHttpServer();
  return {
    app,
    dataDir,
    clock,
    grpcAddress,
    http: () => request(server),
    commands: connect(loaded.policy.v1.PolicyCommandService),
    queries: connect(loaded.policy.v1.PolicyQueryService),
    health: connect(loaded.grpc.health.v1.Health),
    client: connect,
    close: async () => {
      for (const client of clients) client.close();
      await app.close();
    },
  };
}

/** A REST JSON body (fixtures) → the same request as a proto message object: member names in snake_case. */
export function protoFields(json: unknown): Message {
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [
        key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
        convert(member),
      ]),
    );
  };
  return convert(json) as Message;
}
