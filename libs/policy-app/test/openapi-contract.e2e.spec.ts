import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import ts from 'typescript';
import { EXAMPLE_AGENT_ID, EXAMPLE_POLICY_ID, EXAMPLE_PRODUCT_CODE } from '../src/operations/operation';
import { bearer, removeDataDir, startTestApi, type TestApi } from './support/test-api';

interface Operation {
  requestBody?: { content: Record<string, { schema?: { $ref?: string }; example?: unknown }> };
}
type OpenApiDocument = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

/** Every POST route with a JSON body: [path, its example body]. */
function commandRoutes(document: OpenApiDocument): [string, unknown][] {
  return Object.entries(document.paths).flatMap(([path, item]) => {
    const media = item.post?.requestBody?.content['application/json'];
    return media === undefined ? [] : [[path, media.example] as [string, unknown]];
  });
}

/**
 * A typed client call as a consumer would write it over the generated `paths`: the body and the 201 document of
 * POST /v1/policies come from the OpenAPI document. The @ts-expect-error lines prove the types are not permissive
 * (issue 12: `policyholder` was once typed as the whole schema map, which accepts anything).
 */
function typedIssuePolicyCall(issuePolicyBody: unknown): string {
  return `
import type { paths } from './api';

type PostPath = { [P in keyof paths]: paths[P]['post'] extends { requestBody: unknown } ? P : never }[keyof paths];
type Body<P extends PostPath> = NonNullable<paths[P]['post']['requestBody']>['content']['application/json'];
type Created<P extends PostPath> = paths[P]['post']['responses'][201]['content']['application/json'];

declare function send(method: 'POST', path: string, body: unknown): Promise<unknown>;

async function post<P extends PostPath>(path: P, body: Body<P>): Promise<Created<P>> {
  return (await send('POST', path, body)) as Created<P>;
}

export async function issue(): Promise<number> {
  const issued = await post('/v1/policies', ${JSON.stringify(issuePolicyBody, null, 2)});
  const firstEvent: string = issued.events[0].type;
  const policyId: string = issued.policyId;
  return issued.revision + firstEvent.length + policyId.length;
}

type IssuePolicy = Body<'/v1/policies'>;
declare const valid: IssuePolicy;

// @ts-expect-error servicing is required
export const withoutServicing: IssuePolicy = { ...valid, servicing: undefined };
// @ts-expect-error a party needs name, gender, birth date and id
export const partialParty: IssuePolicy = { ...valid, policyholder: { name: 'Li Wei' } };
// @ts-expect-error frequency is an enum
export const weekly: IssuePolicy = { ...valid, premium: { ...valid.premium, frequency: 'WEEKLY' } };
// @ts-expect-error money is { amount, currency }, not a number
export const bareAmount: IssuePolicy = { ...valid, sumAssured: 500000 };
export async function wrongResult(): Promise<string> {
  // @ts-expect-error revision is a number
  const revision: string = (await post('/v1/policies', valid)).revision;
  return revision;
}
`;
}

function typeErrors(directory: string, fileName: string): string[] {
  const program = ts.createProgram([join(directory, fileName)], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: false,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where =
      diagnostic.file === undefined
        ? ''
        : `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: `;
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  });
}

describe('OpenAPI document (/docs-json) through standard tooling', () => {
  let api: TestApi;
  let document: OpenApiDocument;
  let workDir: string;

  beforeAll(async () => {
    api = await startTestApi({ fixtureAgent: false });
    document = (await api.http().get('/docs-json').expect(200)).body;
    workDir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
    writeFileSync(join(workDir, 'openapi.json'), JSON.stringify(document));
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
    rmSync(workDir, { recursive: true, force: true });
  });

  it("is valid OpenAPI 3: Redocly's recommended rules, every one an error, find nothing", async () => {
    const config = await createConfig({
      extends: ['recommended-strict'],
      rules: {
        // The health probes have no client errors to document (no input, no key).
        'operation-4xx-response': 'off',
        // A proprietary API: its licence has no URL to point to.
        'info-license-strict': 'off',
      },
    });

    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: join(workDir, 'openapi.json'),
      config,
    });

    expect(problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`)).toEqual(
      [],
    );
  });

  it('every command route documents an example body (checked against its schema by the rules above)', () => {
    const routes = commandRoutes(document);

    expect(routes.length).toBeGreaterThanOrEqual(16);
    expect(routes.filter(([, example]) => example === undefined).map(([path]) => path)).toEqual([]);
  });

  it('the API takes every example as well formed: none is answered 400', async () => {
    const pathParameters: Record<string, string> = {
      reminderId: `${EXAMPLE_POLICY_ID}-R1`,
      endorsementNo: `${EXAMPLE_POLICY_ID}-E1`,
      payableId: `${EXAMPLE_POLICY_ID}-P1`,
    };
    const outcomes: [string, number, string | undefined][] = [];
    // Product, agent and policy first, so the other commands meet an existing stream.
    const first = (path: string) => (path.startsWith('/v1/products/') ? 2 : path === '/v1/agents' ? 1 : 0);
    const routes = commandRoutes(document).sort(([a], [b]) => first(b) - first(a));
    for (const [path, example] of routes) {
      const target = path.startsWith('/v1/agents/')
        ? EXAMPLE_AGENT_ID
        : path.startsWith('/v1/products/')
          ? EXAMPLE_PRODUCT_CODE
          : EXAMPLE_POLICY_ID;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? target);
      const response = await api
        .http()
        .post(url)
        .set('Authorization', bearer('admin'))
        .send(example as object);
      outcomes.push([path, response.status, response.body.code]);
    }

    expect(outcomes.filter(([, status]) => status === 400 || status >= 500)).toEqual([]);
    expect(outcomes.find(([path]) => path === '/v1/agents')?.[1]).toBe(201);
    expect(outcomes.find(([path]) => path === '/v1/policies')?.[1]).toBe(201);
    expect(outcomes.find(([path]) => path.startsWith('/v1/products/'))?.[1]).toBe(201);
  });

  it('openapi-typescript generates types from it; a real IssuePolicy call type-checks, wrong ones do not', () => {
    const issuePolicyExample = document.paths['/v1/policies'].post.requestBody!.content['application/json'].example;
    execFileSync(process.execPath, [
      // The package's exports map `*.js` to `*.mjs`; its bin is plain bin/cli.js.
      join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js'),
      join(workDir, 'openapi.json'),
      '--output',
      join(workDir, 'api.d.ts'),
      '--silent',
    ]);
    writeFileSync(join(workDir, 'client.ts'), typedIssuePolicyCall(issuePolicyExample));

    expect(typeErrors(workDir, 'client.ts')).toEqual([]);
  });
});
