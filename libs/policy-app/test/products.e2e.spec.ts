/**
 * The product catalogue (DESIGN 2.8) over both transports: a product manager publishes numbered, immutable versions;
 * every authenticated role reads them, one product or the whole catalogue (the products read model); a version that
 * breaks a rule is refused with every rule it breaks.
 */
import { protoFields, startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { bearer, removeDataDir } from './support/test-api';

const ENDOWMENT = {
  name: 'Golden Years Endowment (20 years)',
  kind: 'ENDOWMENT',
  jurisdiction: 'CN',
  currency: 'CNY',
  freeLook: { days: 15, costDeduction: { amount: 1_000, currency: 'CNY' } },
  grace: { noticeShortensGrace: false },
  cashValuePpm: [0, 30_000, 65_000, 90_000, 120_000],
  loan: { maxPercentOfCashValue: 80, interestBasisPoints: 500 },
  automaticPremiumLoan: true,
  nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
};

describe('product catalogue', () => {
  let api: GrpcTestApi;

  beforeAll(async () => {
    api = await startGrpcTestApi();
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const publish = (code: string, body: object, role: Parameters<typeof bearer>[0] = 'product-manager') =>
    api.http().post(`/v1/products/${code}/versions`).set('Authorization', bearer(role)).send(body);

  it('REST: versions 1 and 2 are published and both stay readable, unchanged', async () => {
    const first = await publish('CN-ENDOW-T', ENDOWMENT).expect(201);
    expect(first.body).toMatchObject({
      productCode: 'CN-ENDOW-T',
      version: 1,
      revision: 0,
      events: [{ type: 'ProductVersionPublished' }],
    });
    const second = await publish('CN-ENDOW-T', {
      ...ENDOWMENT,
      loan: { maxPercentOfCashValue: 80, interestBasisPoints: 450 },
    }).expect(201);
    expect(second.body).toMatchObject({ version: 2, revision: 1 });

    const read = await api.http().get('/v1/products/CN-ENDOW-T').set('Authorization', bearer('clerk')).expect(200);
    expect(read.headers.etag).toBe('"1"');
    expect(
      read.body.versions.map((version: { version: number; loan: object }) => [version.version, version.loan]),
    ).toEqual([
      [1, { maxPercentOfCashValue: 80, interestBasisPoints: 500 }],
      [2, { maxPercentOfCashValue: 80, interestBasisPoints: 450 }],
    ]);
    expect(read.body.versions[0]).toMatchObject({
      ...ENDOWMENT,
      productCode: 'CN-ENDOW-T',
      publishedOn: expect.any(String),
    });
  });

  it('REST: a term product without cash value and without loan terms (loan left out → null)', async () => {
    const { loan: _loan, ...withoutLoan } = ENDOWMENT;
    const term = { ...withoutLoan, name: 'Term 20', kind: 'TERM', cashValuePpm: [], automaticPremiumLoan: false };
    await publish('CN-TERM-20', term).expect(201);
    const read = await api.http().get('/v1/products/CN-TERM-20').set('Authorization', bearer('auditor')).expect(200);
    expect(read.body.versions[0]).toMatchObject({ kind: 'TERM', cashValuePpm: [], loan: null });
  });

  it('refusals: 422 with every broken rule, 400 for malformed fields, 403 for other roles, 404 unknown', async () => {
    const invalid = await publish('CN-BAD-1', {
      ...ENDOWMENT,
      freeLook: { days: 10, costDeduction: { amount: 2_000, currency: 'CNY' } },
      automaticPremiumLoan: true,
      cashValuePpm: [],
    }).expect(422);
    expect(invalid.body.code).toBe('PRODUCT_DEFINITION_INVALID');
    expect(invalid.body.detail).toContain("freeLook.days: at least the law's 15 (CN)");
    expect(invalid.body.detail).toContain("freeLook.costDeduction: from 0 to the law's 1000 (CN)");
    expect(invalid.body.detail).toContain('loan: a product without cash value lends nothing');

    const malformed = await publish('CN-BAD-2', { ...ENDOWMENT, kind: 'ANNUITY-X', cashValuePpm: [1.5] }).expect(400);
    expect(malformed.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['cashValuePpm', 'kind']);
    await publish('cn bad', ENDOWMENT).expect(400);
    for (const role of ['clerk', 'supervisor', 'system', 'auditor', 'reporter'] as const) {
      await publish('CN-ENDOW-T', ENDOWMENT, role).expect(403);
    }
    await api.http().get('/v1/products/NOPE').set('Authorization', bearer('clerk')).expect(404);
    for (const role of ['reporter', 'system'] as const) {
      await api.http().get('/v1/products/CN-ENDOW-T').set('Authorization', bearer(role)).expect(200);
    }
    await api.http().get('/v1/products/CN-ENDOW-T').expect(401);
  });

  it('gRPC: PublishProductVersion answers the version; GetProduct shows it', async () => {
    const published = await unary(
      api.commands,
      'PublishProductVersion',
      {
        product_code: 'US-WL-T',
        ...protoFields({
          ...ENDOWMENT,
          jurisdiction: 'US',
          currency: 'USD',
          freeLook: { days: 10, costDeduction: { amount: 0, currency: 'USD' } },
        }),
      },
      { role: 'product-manager' },
    );
    expect(published).toMatchObject({ ok: true, reply: { product_code: 'US-WL-T', version: 1 } });

    const read = await unary(api.queries, 'GetProduct', { product_code: 'US-WL-T' }, { role: 'clerk' });
    expect(read).toMatchObject({
      ok: true,
      reply: {
        product_code: 'US-WL-T',
        versions: [{ version: 1, jurisdiction: 'US', cash_value_ppm: ENDOWMENT.cashValuePpm }],
      },
    });
  });

  /** The catalogue once the read model has applied every event of the log. */
  async function caughtUpCatalogue(query = '') {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await api.http().get(`/v1/products${query}`).set('Authorization', bearer('reporter'));
      if (response.status === 200 && response.body.caughtUp.lagEvents === 0) return response;
      if (Date.now() > deadline) throw new Error(`products not caught up: ${JSON.stringify(response.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // What the tests above published (CN-BAD-1 and CN-BAD-2 were refused), plus the harness's ENDOW-4, all on the
  // pinned business date 2026-06-15; by product code.
  const CATALOGUE = [
    {
      productCode: 'CN-ENDOW-T',
      latestVersion: 2,
      versionCount: 2,
      name: 'Golden Years Endowment (20 years)',
      kind: 'ENDOWMENT',
      jurisdiction: 'CN',
      currency: 'CNY',
      publishedOn: '2026-06-15',
    },
    {
      productCode: 'CN-TERM-20',
      latestVersion: 1,
      versionCount: 1,
      name: 'Term 20',
      kind: 'TERM',
      jurisdiction: 'CN',
      currency: 'CNY',
      publishedOn: '2026-06-15',
    },
    {
      productCode: 'ENDOW-4',
      latestVersion: 1,
      versionCount: 1,
      name: 'Fixture endowment (4 years)',
      kind: 'ENDOWMENT',
      jurisdiction: 'CN',
      currency: 'CNY',
      publishedOn: '2026-06-15',
    },
    {
      productCode: 'US-WL-T',
      latestVersion: 1,
      versionCount: 1,
      name: 'Golden Years Endowment (20 years)',
      kind: 'ENDOWMENT',
      jurisdiction: 'US',
      currency: 'USD',
      publishedOn: '2026-06-15',
    },
  ];

  it('REST: GET /v1/products lists every product with its latest version, by code, in bounded pages', async () => {
    const all = await caughtUpCatalogue();
    expect(all.body.items).toEqual(CATALOGUE);
    expect(all.body.nextCursor).toBeNull();
    // Agent AG-1, then ENDOW-4 and five accepted versions (CN-ENDOW-T twice, CN-TERM-20, US-WL-T): 1 + 1 + 4 = 6.
    expect(all.body.caughtUp).toMatchObject({ eventsApplied: 6, lagEvents: 0, quarantinedStreams: 0 });

    const first = await api.http().get('/v1/products?limit=2').set('Authorization', bearer('system')).expect(200);
    expect(first.body.items.map((item: { productCode: string }) => item.productCode)).toEqual([
      'CN-ENDOW-T',
      'CN-TERM-20',
    ]);
    const second = await api
      .http()
      .get(`/v1/products?limit=2&cursor=${first.body.nextCursor}`)
      .set('Authorization', bearer('clerk'))
      .expect(200);
    expect(second.body.items).toEqual(CATALOGUE.slice(2));
    expect(second.body.nextCursor).toBeNull();

    const tooLarge = await api.http().get('/v1/products?limit=1001').set('Authorization', bearer('clerk')).expect(400);
    expect(tooLarge.body.code).toBe('VALIDATION_FAILED');
    await api.http().get('/v1/products').expect(401);
  });

  it('gRPC: ListProducts answers the same page to any role', async () => {
    await caughtUpCatalogue();
    const listed = await unary(api.queries, 'ListProducts', { limit: 3 }, { role: 'reporter' });
    expect(listed).toMatchObject({
      ok: true,
      reply: {
        items: CATALOGUE.slice(0, 3).map((item) => ({
          product_code: item.productCode,
          latest_version: item.latestVersion,
          version_count: item.versionCount,
          name: item.name,
          kind: item.kind,
          jurisdiction: item.jurisdiction,
          currency: item.currency,
          published_on: item.publishedOn,
        })),
        caught_up: { events_applied: 6, lag_events: 0 },
      },
    });
    const rest = await unary(
      api.queries,
      'ListProducts',
      { limit: 3, cursor: listed.ok ? listed.reply.next_cursor : '' },
      { role: 'system' },
    );
    expect(rest).toMatchObject({ ok: true, reply: { items: [{ product_code: 'US-WL-T', latest_version: 1 }] } });
    expect(rest.ok && rest.reply.next_cursor).toBeUndefined();

    const invalid = await unary(api.queries, 'ListProducts', { limit: 1001 }, { role: 'clerk' });
    expect(invalid).toMatchObject({ ok: false, code: 3 });
  });
});
