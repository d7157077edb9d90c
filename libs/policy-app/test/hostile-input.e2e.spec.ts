import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { MessageTypeDefinition, MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import type { EventStore } from '@lib/event-sourcing';
import { agentStreamId, policyStreamId } from '@lib/policy-domain';
import type { Logger } from 'pino';
import { EVENT_STORE } from '../src/event-store/tokens';
import { LOGGER } from '../src/logging/logger';
import { loadPolicyProtos } from '../src/grpc/proto-files';
import { decodeRpcStatus, startGrpcTestApi, type GrpcTestApi } from './support/grpc-client';
import { issuePolicyBody } from './support/fixtures';
import { bearer, E2E_STORE, FIXTURE_AGENT, removeDataDir } from './support/test-api';

/**
 * DESIGN 7: hostile input is bounded. Wide, deep and odd bodies on every command route and rpc (the routes taken from
 * the running application: Express's router for REST, each body's fields from the OpenAPI document; the rpcs and
 * their request fields from the served proto package), compressed garbage, huge headers and malformed protobuf. Each
 * answer is a 4xx (gRPC: INVALID_ARGUMENT, or the status the transport gives oversized metadata), its error document
 * (gRPC: trailers) is bounded, and nothing was written: the policy's and the agent's revisions and the head of $all
 * stay where they were. The worst event-loop block over the suite is measured and printed, not asserted.
 */
const MAX_ERROR_DOCUMENT_BYTES = 64 * 1024;
/** C-core clients refuse header blocks over 8 KiB; the server keeps error trailers below that. */
const MAX_TRAILER_BYTES = 8 * 1024;
const MAX_LISTED_ERRORS = 20;
const BODY_LIMIT = 256 * 1024;

type Message = MessageTypeDefinition<object, object>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface HttpOutcome {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

interface Route {
  readonly path: string;
  /** The route with its parameters filled in. */
  readonly url: string;
  /** Top-level body fields and their OpenAPI schemas (empty when the route documents no body). */
  readonly fields: readonly [string, Schema][];
  /** Commands that create their stream document no If-Match header. */
  readonly createsStream: boolean;
}

interface Schema {
  readonly type?: string;
  readonly $ref?: string;
  readonly properties?: Record<string, Schema>;
  readonly items?: Schema;
  readonly oneOf?: Schema[];
  readonly allOf?: Schema[];
}

interface OpenApiOperation {
  readonly parameters?: { readonly name: string; readonly in: string }[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: Schema }> };
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: { readonly schemas: Record<string, Schema> };
}

/** What the suite saw, printed at the end (the figures of the issue's rerun). */
const figures = {
  httpStatuses: new Map<number, number>(),
  grpcStatuses: new Map<string, number>(),
  requests: 0,
  largestErrorDocument: { bytes: 0, what: '' },
  largestTrailers: { bytes: 0, what: '' },
  /** The longest the event loop stood still while one hostile request was in flight (server and client side). */
  worstBlock: { ms: 0, what: '' },
};

function count<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

describe('hostile input is answered 4xx / INVALID_ARGUMENT, bounded, and writes nothing', () => {
  let api: GrpcTestApi;
  let store: EventStore;
  let port: number;
  let routes: Route[];
  /** Over the whole suite, building the hostile bodies in this process included. */
  let suiteDelay: ELDHistogram;
  /** Reset before each hostile request, read after its answer. */
  let requestDelay: ELDHistogram;
  let openApi: OpenApiDocument;
  let errorLogs: jest.SpyInstance;
  const policyId = `HOSTILE-${String(Date.now() % 1_000_000).padStart(6, '0')}`;
  const suiteStartedAt = Date.now();

  beforeAll(async () => {
    api = await startGrpcTestApi();
    store = api.app.get<EventStore>(EVENT_STORE);
    port = (api.app.getHttpServer().address() as AddressInfo).port;
    const issued = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody(policyId));
    expect(issued.status).toBe(201);
    routes = await commandRoutes();
    errorLogs = jest.spyOn(api.app.get<Logger>(LOGGER), 'error');
    suiteDelay = monitorEventLoopDelay({ resolution: 5 });
    requestDelay = monitorEventLoopDelay({ resolution: 5 });
    suiteDelay.enable();
    requestDelay.enable();
  });

  afterAll(async () => {
    suiteDelay?.disable();
    requestDelay?.disable();
    // The figures of the rerun of the attacks (printed, never asserted): E2E_FIGURES=1 npx jest hostile-input.
    if (suiteDelay !== undefined && process.env.E2E_FIGURES === '1') {
      const statuses = (counts: Map<unknown, number>) =>
        [...counts].map(([status, times]) => `${String(status)}×${times}`).join(' ');
      console.log(
        [
          `hostile input: ${figures.requests} requests/calls in ${((Date.now() - suiteStartedAt) / 1000).toFixed(1)} s`,
          `  REST statuses: ${statuses(figures.httpStatuses)}`,
          `  gRPC statuses: ${statuses(figures.grpcStatuses)}`,
          `  worst event-loop block during one hostile request: ${figures.worstBlock.ms.toFixed(1)} ms ` +
            `(${figures.worstBlock.what})`,
          `  worst event-loop block over the suite, building the bodies included: ` +
            `${(suiteDelay.max / 1e6).toFixed(1)} ms (p99 ${(suiteDelay.percentile(99) / 1e6).toFixed(1)} ms)`,
          `  largest error document: ${figures.largestErrorDocument.bytes} bytes (${figures.largestErrorDocument.what})`,
          `  largest gRPC error trailers: ${figures.largestTrailers.bytes} bytes (${figures.largestTrailers.what})`,
        ].join('\n'),
      );
    }
    await api?.close();
    if (api !== undefined) removeDataDir(api.dataDir);
  });

  /**
   * Runs one hostile exchange and records the longest event-loop block while it was in flight. The body was built
   * before: a zero timeout first lets the delay monitor's overdue sample of that work land, then the monitor starts
   * afresh (client and server share this process, so the figure includes sending and reading on the client side).
   */
  async function measured<T>(what: string, exchange: () => Promise<T>): Promise<T> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    requestDelay.reset();
    const result = await exchange();
    const blockMs = requestDelay.max / 1e6;
    if (blockMs > figures.worstBlock.ms) figures.worstBlock = { ms: blockMs, what };
    figures.requests++;
    return result;
  }

  /** The POST routes the app serves (Express's router), each with its body fields from the OpenAPI document. */
  async function commandRoutes(): Promise<Route[]> {
    const express = api.app.getHttpAdapter().getInstance() as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    };
    const document = (await api.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    openApi = document;
    const posts = express.router.stack
      .map((layer) => layer.route)
      .filter((route) => route !== undefined && route.methods.post === true)
      .map((route) => route!.path);
    return posts.map((path) => {
      const operation = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.post;
      const body = operation?.requestBody?.content?.['application/json']?.schema;
      return {
        path,
        url: path.replace(/:(\w+)/g, (_match, name: string) => parameterSample(path, name)),
        fields: body === undefined ? [] : Object.entries(propertiesOf(document, body)),
        createsStream: operation !== undefined && !(operation.parameters ?? []).some((p) => p.name === 'If-Match'),
      };
    });
  }

  /** A well-formed value of a path parameter, so requests get past the parameter pipes to their body. */
  function parameterSample(path: string, name: string): string {
    if (name === 'id') return path.startsWith('/v1/agents') ? FIXTURE_AGENT.agentId : policyId;
    if (name === 'reminderId') return `${policyId}-R1`;
    if (name === 'endorsementNo') return `${policyId}-E1`;
    return `${policyId}-X1`; // a new parameter: the probe test below fails until it gets a sample here
  }

  function propertiesOf(document: OpenApiDocument, schema: Schema | undefined): Record<string, Schema> {
    if (schema === undefined) return {};
    if (schema.$ref !== undefined) {
      return propertiesOf(document, document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
    }
    const inherited = (schema.allOf ?? []).map((part) => propertiesOf(document, part));
    return Object.assign({}, ...inherited, schema.properties ?? {}) as Record<string, Schema>;
  }

  async function head(): Promise<{ policy: number; agent: number; all: string | undefined }> {
    const last = async (streamId: string) =>
      (await store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0].revision;
    // $all of the embedded store belongs to this suite; a shared EventStoreDB may be written by other suites.
    const all = E2E_STORE.mode === 'embedded-sqlite' ? (await store.readAll()).at(-1)?.position : undefined;
    return {
      policy: await last(policyStreamId(policyId)),
      agent: await last(agentStreamId(FIXTURE_AGENT.agentId)),
      all,
    };
  }

  function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string) {
    return new Promise<HttpOutcome>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /**
   * Sends one hostile request and asserts the contract: a 4xx other than 404 (the routes exist), a bounded
   * problem document with at most 20 field errors, and nothing written.
   */
  async function expectRefused(
    what: string,
    path: string,
    body: Buffer | string | undefined,
    headers: Record<string, string> = {},
  ): Promise<HttpOutcome & { problem?: { code: string; errors?: { path: string; message: string }[] } }> {
    const before = await head();
    const outcome = await measured(`${what} ${path}`, () =>
      send('POST', path, { Authorization: bearer('admin'), 'Content-Type': 'application/json', ...headers }, body),
    );
    count(figures.httpStatuses, outcome.status);
    const bytes = Buffer.byteLength(outcome.text);
    if (bytes > figures.largestErrorDocument.bytes) figures.largestErrorDocument = { bytes, what: `${what} ${path}` };
    // A 4xx other than 404 (every route exists), and a bounded document; the object shows the figures on failure.
    const verdict = { what, path, status: outcome.status, bytes };
    const refused = outcome.status >= 400 && outcome.status < 500 && outcome.status !== 404;
    expect({ ...verdict, refused, bounded: bytes <= MAX_ERROR_DOCUMENT_BYTES }).toEqual({
      ...verdict,
      refused: true,
      bounded: true,
    });
    const problem = outcome.text === '' ? undefined : (JSON.parse(outcome.text) as { code: string; errors?: [] });
    if (outcome.status !== 431) {
      expect(outcome.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(problem?.errors?.length ?? 0).toBeLessThanOrEqual(MAX_LISTED_ERRORS);
    }
    expect(await head()).toEqual(before);
    return { ...outcome, problem };
  }

  it('every command route is probed: its body is validated (an unknown field is named), not its parameters', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.filter((route) => route.createsStream).map((route) => route.path)).toEqual(
      expect.arrayContaining(['/v1/policies', '/v1/agents']),
    );
    for (const route of routes) {
      const refused = await expectRefused('probe', route.url, JSON.stringify({ hostileProbe: 1 }));
      expect({
        route: route.path,
        status: refused.status,
        paths: refused.problem?.errors?.map((error) => error.path),
      }).toEqual({ route: route.path, status: 400, paths: expect.arrayContaining(['hostileProbe']) });
    }
  });

  it('wide bodies: arrays of empty objects in every field, also where objects are expected, and wide objects', async () => {
    for (const route of routes) {
      const fieldNames = route.fields.length > 0 ? route.fields.map(([name]) => name) : ['items'];
      const emptyObjects = (count: number): Json => Array.from({ length: count }, () => ({}));
      // Within the generic limits: the DTOs' own bounds apply before nested validation, field by field.
      for (const name of fieldNames) {
        await expectRefused('999 empty objects in one field', route.url, JSON.stringify({ [name]: emptyObjects(999) }));
        const arrays = JSON.stringify({ [name]: [emptyObjects(999)] });
        await expectRefused('an array of 999 empty objects in an array', route.url, arrays);
      }
      const share = Math.floor(1900 / fieldNames.length);
      const everyField = JSON.stringify(Object.fromEntries(fieldNames.map((name) => [name, emptyObjects(share)])));
      await expectRefused('empty objects in every field', route.url, everyField);
      await expectRefused('empty objects in every nested field', route.url, JSON.stringify(wideEverywhere(route)));
      // Past the limits. The issue's attack: a ~255 KB array of {} in each field in turn.
      for (const name of fieldNames) {
        await expectRefused('255 KB of {} in one field', route.url, `{"${name}":[${'{},'.repeat(84_000)}{}]}`);
      }
      await expectRefused('an array of 84,000 {} as the body', route.url, `[${'{},'.repeat(84_000)}{}]`);
      const members = Object.fromEntries(Array.from({ length: 40_000 }, (_, index) => [`m${index}`, 0]));
      await expectRefused('40,000 members', route.url, JSON.stringify(members));
      const unknown = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`unknown${index}`, [{}, {}]]));
      await expectRefused('100 unknown members', route.url, JSON.stringify(unknown));
      const containers = JSON.stringify({ [fieldNames[0]]: Array.from({ length: 300 }, () => emptyObjects(10)) });
      await expectRefused('3,300 objects and arrays', route.url, containers);
    }
    // Five wide requests per field of every command route (30 routes): ~7 s embedded, several times that against the
    // EventStoreDB emulator on a loaded machine.
  }, 120_000);

  it('deep bodies: 100,000 nested arrays or objects, and nesting just past the limit in every field', async () => {
    for (const route of routes) {
      const name = route.fields[0]?.[0] ?? 'items';
      await expectRefused(
        '100,000 nested arrays',
        route.url,
        `{"${name}":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      );
      await expectRefused('40,000 nested objects', route.url, `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`);
      const deepest = (levels: number): Json => (levels === 0 ? {} : { [name]: deepest(levels - 1) });
      await expectRefused('17 levels', route.url, JSON.stringify(deepest(17)));
    }
  });

  it('odd bodies: inherited member names, huge keys and strings, odd values and types', async () => {
    for (const route of routes) {
      const fieldNames = route.fields.length > 0 ? route.fields.map(([name]) => name) : ['items'];
      const inherited = await expectRefused(
        'inherited member names',
        route.url,
        '{"valueOf":1,"toString":"x","constructor":{"prototype":{"polluted":1}},"hasOwnProperty":1,' +
          '"__proto__":{"polluted":1},"isPrototypeOf":1,"__defineGetter__":1,"propertyIsEnumerable":1}',
      );
      expect(inherited.problem?.errors?.map((error) => error.path)).toEqual(
        expect.arrayContaining(['valueOf', 'toString', 'constructor', 'hasOwnProperty', '__proto__']),
      );
      const longKey = await expectRefused(
        'a 200,000-character key',
        route.url,
        JSON.stringify({ ['k'.repeat(200_000)]: 1 }),
      );
      expect(longKey.text.length).toBeLessThan(16 * 1024);
      const each = (value: Json) => JSON.stringify(Object.fromEntries(fieldNames.map((name) => [name, value])));
      await expectRefused('long strings', route.url, each('x'.repeat(Math.floor(240_000 / fieldNames.length))));
      for (const value of [null, {}, [], 1e308, -1, 1.5, true, '\u0000\ud800', '2026-02-30', [[[]]], ['x']] as Json[]) {
        await expectRefused(`${JSON.stringify(value)} in every field`, route.url, each(value));
      }
      await expectRefused('1e999999 in a field', route.url, `{"${fieldNames[0]}":1e999999}`);
      for (const body of ['null', '"text"', '42', '[]', '{"a":1,"a":2,', '\u0000', '{"a":"\\ud800"}']) {
        await expectRefused(`the body ${JSON.stringify(body)}`, route.url, body);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a missing required field yields one error, not one per rule', async () => {
    const payment = { installmentNo: 2, amount: { amount: 500_000, currency: 'CNY' }, paidOn: '2023-01-10' };
    const missing = await expectRefused(
      'receiptNo missing',
      `/v1/policies/${policyId}/premium-payments`,
      JSON.stringify(payment),
    );
    expect(missing.problem?.errors).toEqual([{ path: 'receiptNo', message: expect.stringContaining('receiptNo') }]);
    for (const route of routes) {
      const empty = await expectRefused('{}', route.url, '{}');
      const paths = empty.problem?.errors?.map((error) => error.path) ?? [];
      expect(paths).toEqual([...new Set(paths)]);
    }
  });

  it('a create route refuses any If-Match (a new stream has no revision to match)', async () => {
    const create = routes.filter((route) => route.createsStream);
    for (const ifMatch of ['garbage', '"0"', '*', 'W/"0"', 'x'.repeat(4000)]) {
      const newPolicy = issuePolicyBody(`${policyId}-N`);
      const refused = await expectRefused(
        `If-Match ${ifMatch.slice(0, 10)}`,
        '/v1/policies',
        JSON.stringify(newPolicy),
        {
          'If-Match': ifMatch,
        },
      );
      expect(refused.status).toBe(400);
      for (const route of create)
        await expectRefused(`If-Match on ${route.path}`, route.url, '{}', { 'If-Match': ifMatch });
    }
    const notIssued = await api.http().get(`/v1/policies/${policyId}-N`).set('Authorization', bearer('clerk'));
    expect(notIssued.status).toBe(404);
  });

  it('compressed garbage, bombs and unknown encodings: 400, 413 or 415, with or without an API key', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    const wide = `{"items":[${'{},'.repeat(84_000)}{}]}`;
    for (const route of routes) {
      for (const encoding of ['gzip', 'deflate', 'br', 'zstd']) {
        for (const authorization of [bearer('admin'), 'Bearer not-a-key', '']) {
          const garbage = await expectRefused(`${encoding} garbage`, route.url, '{"not":"compressed"}', {
            'Content-Encoding': encoding,
            Authorization: authorization,
          });
          expect(garbage.status).toBe(400);
        }
      }
      expect((await expectRefused('gzip bomb', route.url, bomb, { 'Content-Encoding': 'gzip' })).status).toBe(413);
      expect((await expectRefused('compress', route.url, '{}', { 'Content-Encoding': 'compress' })).status).toBe(415);
      for (const [encoding, compressed] of [
        ['gzip', gzipSync(wide)],
        ['deflate', deflateSync(wide)],
        ['br', brotliCompressSync(wide)],
      ] as const) {
        expect(
          (await expectRefused(`${encoding} of a wide body`, route.url, compressed, { 'Content-Encoding': encoding }))
            .status,
        ).toBe(400);
      }
      await expectRefused('a body over 256 KiB', route.url, `{"items":"${'x'.repeat(BODY_LIMIT)}"}`);
    }
  });

  it('huge headers: 431 from the HTTP server, or 400/401 for oversized values of ours', async () => {
    const route = routes[0];
    expect((await expectRefused('a 20 KB header', route.url, '{}', { 'X-Padding': 'p'.repeat(20_000) })).status).toBe(
      431,
    );
    expect(
      (
        await expectRefused(
          '150 headers of 120 B',
          route.url,
          '{}',
          Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`X-Padding-${index}`, 'p'.repeat(120)])),
        )
      ).status,
    ).toBe(431);
    for (const route of routes) {
      for (const header of ['Idempotency-Key', 'X-Correlation-Id', 'If-Match', 'Authorization']) {
        await expectRefused(`a 12 KB ${header}`, route.url, '{}', { [header]: 'k'.repeat(12_000) });
      }
    }
  });

  /** Each field of each body field's schema (one level down) set to 999 empty objects; arrays get one element. */
  function wideEverywhere(route: Route): Json {
    // Within the budget of 2,000 objects and arrays (array fields get two elements), so validation refuses it.
    const width = Math.max(1, Math.floor(900 / Math.max(1, countLeaves(route))));
    const emptyObjects = (): Json => Array.from({ length: width }, () => ({}));
    return Object.fromEntries(
      route.fields.map(([name, schema]) => {
        const nested = nestedFields(schema);
        if (nested.length === 0) return [name, emptyObjects()];
        const element = Object.fromEntries(nested.map((field) => [field, emptyObjects()]));
        return [name, schema.type === 'array' ? [element, element] : element];
      }),
    );
  }

  function countLeaves(route: Route): number {
    return route.fields.reduce((sum, [, schema]) => sum + Math.max(1, nestedFields(schema).length), 0);
  }

  function nestedFields(schema: Schema): string[] {
    const target = schema.type === 'array' ? schema.items : schema;
    const variants = target?.oneOf ?? (target === undefined ? [] : [target]);
    return [...new Set(variants.flatMap((variant) => Object.keys(propertiesOf(openApi, variant))))];
  }

  describe('gRPC', () => {
    let definition: PackageDefinition;
    let raw: Client;

    beforeAll(() => {
      definition = loadPolicyProtos();
      raw = new Client(api.grpcAddress, credentials.createInsecure());
    });
    afterAll(() => raw?.close());

    /** Every rpc of our services, from the served package definition. */
    function rpcs(): { service: string; method: string; definition: MethodDefinition<object, object> }[] {
      return Object.entries(definition)
        .filter(([name, entry]) => name.startsWith('policy.v1.') && !('format' in entry))
        .flatMap(([service, methods]) =>
          Object.entries(methods as Record<string, MethodDefinition<object, object>>).map(([method, rpc]) => ({
            service,
            method,
            definition: rpc,
          })),
        );
    }

    interface Outcome {
      readonly code: number;
      readonly trailerBytes: number;
      readonly reason?: string;
    }

    /** Sends raw bytes to an rpc; a GetPolicy sent alongside (by default on the same connection) must succeed. */
    /** GetPolicy on the given client (by default the hostile caller's connection): its status. */
    function getPolicy(client: Client = raw): Promise<number> {
      return new Promise<number>((resolve) => {
        client.makeUnaryRequest(
          '/policy.v1.PolicyQueryService/GetPolicy',
          (b: Buffer) => b,
          (b: Buffer) => b,
          stringField(1, policyId),
          authorized(),
          (error) => resolve(error?.code ?? GrpcStatus.OK),
        );
      });
    }

    async function call(
      rpc: MethodDefinition<object, object>,
      bytes: Buffer,
      metadata = authorized(),
      neighbour: Client = raw,
    ): Promise<Outcome> {
      const hostile = new Promise<Outcome>((resolve) => {
        const done = (error: ServiceError | null) => {
          if (error === null) return resolve({ code: GrpcStatus.OK, trailerBytes: 0 });
          const trailers = error.metadata?.toHttp2Headers() ?? {};
          const trailerBytes =
            Buffer.byteLength(error.details ?? '') +
            Object.entries(trailers).reduce((sum, [key, value]) => sum + key.length + String(value).length, 0);
          const detailsBin = error.metadata?.get('grpc-status-details-bin')[0];
          const reason = Buffer.isBuffer(detailsBin) ? decodeRpcStatus(detailsBin).errorInfo?.reason : undefined;
          resolve({ code: error.code, trailerBytes, ...(reason === undefined ? {} : { reason }) });
        };
        if (rpc.responseStream) {
          const stream = raw.makeServerStreamRequest(
            rpc.path,
            (b: Buffer) => b,
            (b: Buffer) => b,
            bytes,
            metadata,
          );
          stream.on('data', () => undefined);
          stream.on('error', done);
          stream.on('end', () => done(null));
        } else {
          raw.makeUnaryRequest(
            rpc.path,
            (b: Buffer) => b,
            (b: Buffer) => b,
            bytes,
            metadata,
            (error) => done(error),
          );
        }
      });
      const [outcome, healthyCode] = await Promise.all([hostile, getPolicy(neighbour)]);
      expect({ path: rpc.path, neighbour: healthyCode }).toEqual({ path: rpc.path, neighbour: GrpcStatus.OK });
      return outcome;
    }

    function authorized(extra: Record<string, string> = {}): Metadata {
      const metadata = new Metadata();
      metadata.set('authorization', bearer('admin'));
      for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
      return metadata;
    }

    async function expectInvalid(what: string, rpc: MethodDefinition<object, object>, bytes: Buffer): Promise<void> {
      const before = await head();
      const outcome = await measured(`${what} ${rpc.path}`, () => call(rpc, bytes));
      record(what, rpc, outcome);
      expect({ what, path: rpc.path, code: GrpcStatus[outcome.code], reason: outcome.reason }).toEqual({
        what,
        path: rpc.path,
        code: 'INVALID_ARGUMENT',
        reason: 'VALIDATION_FAILED',
      });
      expect(outcome.trailerBytes).toBeLessThanOrEqual(MAX_TRAILER_BYTES);
      expect(await head()).toEqual(before);
    }

    function record(what: string, rpc: MethodDefinition<object, object>, outcome: Outcome): void {
      count(figures.grpcStatuses, GrpcStatus[outcome.code]);
      if (outcome.trailerBytes > figures.largestTrailers.bytes)
        figures.largestTrailers = { bytes: outcome.trailerBytes, what: `${what} ${rpc.path}` };
    }

    it('malformed protobuf on every rpc → INVALID_ARGUMENT (not INTERNAL)', async () => {
      const all = rpcs();
      expect(all.length).toBeGreaterThanOrEqual(20);
      for (const { definition: rpc } of all) {
        // A length prefix cut short; wire type 7 (there is none); a length past the end; a group end without a start.
        for (const bytes of [
          Buffer.from([0x0a, 0xff, 0xff]),
          Buffer.from([0xc7, 0x3e, 0x01]),
          Buffer.from([0xfa, 0x3e, 0x05, 0x41]),
          Buffer.from([0xc4, 0x3e]),
        ])
          await expectInvalid(`malformed ${bytes.toString('hex')}`, rpc, bytes);
      }
    });

    it('wide messages: 200 and ~120,000 empty entries in each repeated field, nested ones too, unknown fields', async () => {
      const commands = rpcs().filter(({ service }) => service === 'policy.v1.PolicyCommandService');
      for (const { definition: rpc } of commands) {
        const type = rpc.requestType as Message;
        const fields = fieldsOf(type);
        const ids = idFields(fields);
        const repeated = fields.filter((field) => field.label === 'LABEL_REPEATED' && field.type === 'TYPE_MESSAGE');
        for (const field of repeated) {
          await expectInvalid(
            `200 empty ${field.name}`,
            rpc,
            Buffer.concat([ids, ...Array(200).fill(emptyEntry(field.number))]),
          );
          await expectInvalid(
            `120,000 empty ${field.name}`,
            rpc,
            Buffer.concat([ids, ...Array(120_000).fill(emptyEntry(field.number))]),
          );
          const element = wideElement(field.typeName, 999);
          await expectInvalid(
            `${field.name} of wide elements`,
            rpc,
            Buffer.concat([ids, ...Array(3).fill(bytesField(field.number, element))]),
          );
        }
        // Unknown fields (number 1000, varint 0) are skipped by the decoder; the message then fails validation.
        const unknownField = Buffer.from([0xc0, 0x3e, 0x00]);
        await expectInvalid('80,000 unknown fields', rpc, Buffer.concat([ids, ...Array(80_000).fill(unknownField)]));
      }
    });

    it('huge metadata: refused by our checks, or past 64 KiB by HTTP/2 without harming other connections', async () => {
      const rpc = rpcs().find(({ method }) => method === 'RecordPremiumPayment')!.definition;
      for (const [key, size] of [
        ['idempotency-key', 4_000],
        ['x-correlation-id', 4_000],
        ['authorization', 8_000],
        ['x-padding', 60_000],
      ] as const) {
        const before = await head();
        const metadata = authorized({ [key]: 'k'.repeat(size) });
        const outcome = await measured(`a ${size} B ${key}`, () => call(rpc, stringField(1, policyId), metadata));
        record(`a ${size} B ${key}`, rpc, outcome);
        expect({ key, code: GrpcStatus[outcome.code] }).toEqual({
          key,
          code: key === 'authorization' ? 'UNAUTHENTICATED' : 'INVALID_ARGUMENT',
        });
        expect(outcome.trailerBytes).toBeLessThanOrEqual(MAX_TRAILER_BYTES);
        expect(await head()).toEqual(before);
      }
      // Past Node's HTTP/2 header list limit (64 KiB) the transport resets the caller's streams (HPACK state is per
      // connection) before any server code runs: the caller's own connection suffers, other connections do not, and
      // the caller's next call works again.
      const bystander = new Client(api.grpcAddress, credentials.createInsecure(), {
        'grpc-node.use_local_subchannel_pool': 1,
      });
      try {
        const before = await head();
        const metadata = authorized({ 'x-padding': 'k'.repeat(200_000) });
        const outcome = await measured('a 200 KB x-padding', () =>
          call(rpc, stringField(1, policyId), metadata, bystander),
        );
        figures.grpcStatuses.set('RST_STREAM by HTTP/2', (figures.grpcStatuses.get('RST_STREAM by HTTP/2') ?? 0) + 1);
        expect(outcome.code).not.toBe(GrpcStatus.OK);
        expect(await getPolicy()).toBe(GrpcStatus.OK);
        expect(await head()).toEqual(before);
      } finally {
        bystander.close();
      }
    });

    interface FieldDescriptor {
      readonly name: string;
      readonly number: number;
      readonly label: string;
      readonly type: string;
      readonly typeName: string;
    }

    function fieldsOf(type: Message): FieldDescriptor[] {
      return (type.type as { field: FieldDescriptor[] }).field;
    }

    /** The policy and agent ids of a request, so it reaches validation of everything else. */
    function idFields(fields: readonly FieldDescriptor[]): Buffer {
      return Buffer.concat(
        fields.flatMap((field) => {
          if (field.name === 'policy_id') return [stringField(field.number, policyId)];
          if (field.name === 'agent_id') return [stringField(field.number, FIXTURE_AGENT.agentId)];
          return [];
        }),
      );
    }

    /** An element whose every message field (repeated: `width` empty entries; singular: empty) is set. */
    function wideElement(typeName: string, width: number): Buffer {
      const name = typeName.replace(/^\./, '');
      const type = (definition[name] ?? definition[`policy.v1.${name}`]) as Message | undefined;
      if (type === undefined) return Buffer.alloc(0);
      return Buffer.concat(
        fieldsOf(type)
          .filter((field) => field.type === 'TYPE_MESSAGE')
          .flatMap((field) =>
            field.label === 'LABEL_REPEATED'
              ? Array(width).fill(emptyEntry(field.number))
              : [bytesField(field.number, wideElement(field.typeName, width))],
          ),
      );
    }
  });

  it("no hostile request was logged at error level (they are the caller's mistakes, not ours)", () => {
    expect(errorLogs.mock.calls).toEqual([]);
  });
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function bytesField(fieldNumber: number, value: Buffer): Buffer {
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(value.length), value]);
}

function stringField(fieldNumber: number, value: string): Buffer {
  return bytesField(fieldNumber, Buffer.from(value, 'utf8'));
}

function emptyEntry(fieldNumber: number): Buffer {
  return bytesField(fieldNumber, Buffer.alloc(0));
}
