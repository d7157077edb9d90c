import { CONTRACT_CHANGE_KINDS } from '@lib/policy-domain';
import { removeDataDir, startTestApi, type TestApi, E2E_STORE } from './support/test-api';
import { operationPathTemplates } from './support/operation-routes';

describe('OpenAPI document and /health', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('/health needs no key and reports the store ready', async () => {
    const response = await api.http().get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', eventStore: { mode: E2E_STORE.mode, ready: true } });
    expect(response.headers['x-correlation-id']).toEqual(expect.any(String));
  });

  it('/docs-json describes every route with its body, 201 response and problems; /docs serves the UI', async () => {
    const { body: document } = await api.http().get('/docs-json').expect(200);
    const commands = operationPathTemplates().map(({ operation, path }) => [path, operation.dto.name] as const);
    expect(commands.length).toBeGreaterThanOrEqual(16);
    for (const [path, dto] of commands) {
      const operation = document.paths[path]?.post;
      expect({ path, body: operation?.requestBody?.content?.['application/json']?.schema?.$ref }).toEqual({
        path,
        body: `#/components/schemas/${dto}`,
      });
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(['201', '400', '401', '403', '404', '409', '412', '413', '415', '422']),
      );
      expect(operation.responses['422'].content['application/problem+json'].schema.$ref).toBe(
        '#/components/schemas/ProblemDoc',
      );
    }
    // The cancellation has no body fields: the body may be left out.
    const cancellation = document.paths['/v1/policies/{id}/contract-changes/{endorsementNo}/cancellation'].post;
    expect(cancellation.requestBody.required).toBe(false);
    const getPolicy = document.paths['/v1/policies/{id}'].get;
    expect(getPolicy.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['asOf', 'revision', 'effectiveOn']),
    );
    expect(Object.keys(getPolicy.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '422']));
    const view = document.components.schemas.PolicyViewDoc;
    expect(view.required).toEqual(
      expect.arrayContaining(['effectiveOn', 'statusByLaw', 'suspendedSince', 'scheduledChanges']),
    );
    for (const path of [
      '/v1/policies/{id}',
      '/v1/policies/{id}/events',
      '/v1/policies/{id}/reinstatement-quote',
      '/v1/agents/{id}',
      '/health',
    ]) {
      expect(document.paths[path]?.get).toBeDefined();
    }
    // Every schema reference resolves (a nameless lazy type once produced `#/components/schemas/`).
    const references = JSON.stringify(document).match(/"\$ref":"[^"]*"/g) ?? [];
    const dangling = references
      .map((reference) => reference.slice('"$ref":"#/components/schemas/'.length, -1))
      .filter((name) => document.components.schemas[name] === undefined);
    expect(dangling).toEqual([]);
    expect(document.components.schemas.IssuePolicyDto.properties.policyholder).toEqual({
      $ref: '#/components/schemas/PartyDto',
    });
    const changeKinds = document.components.schemas.ChangeContractDto.properties.changes.items;
    expect(Object.keys(changeKinds.discriminator.mapping).sort()).toEqual([...CONTRACT_CHANGE_KINDS].sort());
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await api.http().get('/docs/').expect(200);
    expect(ui.text).toContain('swagger');
  });
});
