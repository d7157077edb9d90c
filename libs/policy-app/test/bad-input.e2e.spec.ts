import { bearer, removeDataDir, startTestApi, type TestApi } from './support/test-api';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';
import { operationPaths } from './support/operation-routes';

/**
 * Every rejected request answers problem+json with the documented status and code, and writes nothing: the
 * policy's stream revision is checked before and after through GET /events.
 */
describe('bad input is rejected with a problem and writes nothing', () => {
  let api: TestApi;
  const policyId = 'BAD-0001';
  const path = `/v1/policies/${policyId}`;

  beforeAll(async () => {
    api = await startTestApi();
    const issued = await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody(policyId));
    expect(issued.status).toBe(201);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  async function streamRevision(): Promise<number> {
    const response = await api.http().get(`${path}/events`).set('Authorization', bearer('auditor')).expect(200);
    return response.body.revision;
  }

  const validPayment = { installmentNo: 2, amount: money(MODAL_PREMIUM), paidOn: '2023-01-10', receiptNo: 'R-OK' };

  function expectProblem(
    response: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
    status: number,
    code: string,
  ): void {
    expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: `urn:policy-servicing:problem:${code}`,
      status,
      title: expect.any(String),
      detail: expect.any(String),
    });
  }

  async function expectRejected(
    send: () => Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>,
    status: number,
    code: string,
  ) {
    const before = await streamRevision();
    const response = await send();
    expectProblem(response, status, code);
    expect(await streamRevision()).toBe(before);
    return response;
  }

  const payment = (body: unknown, role: Parameters<typeof bearer>[0] = 'clerk') =>
    api
      .http()
      .post(`${path}/premium-payments`)
      .set('Authorization', bearer(role))
      .send(body as object);

  it('malformed JSON → 400 VALIDATION_FAILED', async () => {
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', bearer('clerk'))
          .set('Content-Type', 'application/json')
          .send('{"installmentNo": 2,'),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('wrong content type → 415; a top-level array or string → 400', async () => {
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', bearer('clerk'))
          .set('Content-Type', 'text/plain')
          .send('installmentNo=2'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectRejected(() => payment([validPayment]), 400, 'VALIDATION_FAILED');
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', bearer('clerk'))
          .set('Content-Type', 'application/json')
          .send('"text"'),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('wrong types → 400 with each field path', async () => {
    const response = await expectRejected(
      () =>
        payment({ installmentNo: '2', amount: { amount: '500000', currency: 'CNY' }, paidOn: 20230110, receiptNo: 7 }),
      400,
      'VALIDATION_FAILED',
    );
    const paths = (response.body.errors as { path: string }[]).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['installmentNo', 'amount.amount', 'paidOn', 'receiptNo']));
  });

  it('unknown fields (top level and nested) → 400', async () => {
    const response = await expectRejected(
      () => payment({ ...validPayment, discount: 5, amount: { ...validPayment.amount, fx: 1 } }),
      400,
      'VALIDATION_FAILED',
    );
    const errors = response.body.errors as { path: string; message: string }[];
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'discount', message: 'property discount should not exist' },
        { path: 'amount.fx', message: 'property fx should not exist' },
      ]),
    );
  });

  it('null for an optional field and a missing body → 400', async () => {
    await expectRejected(() => payment({ ...validPayment, method: null }), 400, 'VALIDATION_FAILED');
    const response = await expectRejected(
      () => api.http().post(`${path}/premium-payments`).set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expect((response.body.errors as { path: string }[]).map((error) => error.path)).toEqual(
      expect.arrayContaining(['installmentNo', 'amount', 'paidOn', 'receiptNo']),
    );
  });

  it('missing or wrong API key → 401; a role that may not run the command → 403', async () => {
    await expectRejected(() => api.http().post(`${path}/premium-payments`).send(validPayment), 401, 'UNAUTHENTICATED');
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', 'Bearer not-a-key-0000000000')
          .send(validPayment),
      401,
      'UNAUTHENTICATED',
    );
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)
          .send(validPayment),
      401,
      'UNAUTHENTICATED',
    );
    await expectRejected(() => payment(validPayment, 'auditor'), 403, 'FORBIDDEN');
    await expectRejected(() => payment(validPayment, 'reporter'), 403, 'FORBIDDEN');
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/terminations`)
          .set('Authorization', bearer('system'))
          .send({ terminatedOn: '2026-06-01', reason: 'DEATH' }),
      403,
      'FORBIDDEN',
    );
    const unauthenticatedRead = await api.http().get(path);
    expectProblem(unauthenticatedRead, 401, 'UNAUTHENTICATED');
    expect(unauthenticatedRead.headers['www-authenticate']).toMatch(/^Bearer/);
    expectProblem(await api.http().get(path).set('Authorization', bearer('system')), 403, 'FORBIDDEN');
  });

  it('impossible calendar dates → 400; a payment dated after today → 422 DATE_IN_FUTURE', async () => {
    await expectRejected(() => payment({ ...validPayment, paidOn: '2023-02-30' }), 400, 'VALIDATION_FAILED');
    await expectRejected(() => payment({ ...validPayment, paidOn: '2023-13-01' }), 400, 'VALIDATION_FAILED');
    await expectRejected(() => payment({ ...validPayment, paidOn: '2023-1-10' }), 400, 'VALIDATION_FAILED');
    await expectRejected(() => payment({ ...validPayment, paidOn: '2026-06-16' }), 422, 'DATE_IN_FUTURE');
  });

  it('negative, fractional, huge or float money → 400', async () => {
    for (const amount of [-1, 1.5, 500000.0001, 1e300, Number.MAX_SAFE_INTEGER + 2]) {
      await expectRejected(
        () => payment({ ...validPayment, amount: { amount, currency: 'CNY' } }),
        400,
        'VALIDATION_FAILED',
      );
    }
    await expectRejected(
      () => payment({ ...validPayment, amount: { amount: 500000, currency: 'cny' } }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('beneficiary shares 60 + 30 → 422 BENEFICIARY_SHARES_INVALID; share 0 or 101 → 400', async () => {
    const change = (beneficiaries: object[]) =>
      api.http().post(`${path}/beneficiary-changes`).set('Authorization', bearer('clerk')).send({
        effectiveDate: '2022-06-01',
        designatedBy: 'POLICYHOLDER',
        insuredConsent: true,
        beneficiaries,
      });
    await expectRejected(
      () =>
        change([
          { name: 'A', relationship: 'PARENT', order: 1, sharePercent: 60 },
          { name: 'B', relationship: 'SIBLING', order: 1, sharePercent: 30 },
        ]),
      422,
      'BENEFICIARY_SHARES_INVALID',
    );
    await expectRejected(
      () => change([{ name: 'A', relationship: 'PARENT', order: 1, sharePercent: 0 }]),
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      () => change([{ name: 'A', relationship: 'PARENT', order: 1, sharePercent: 101 }]),
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      () => change([{ name: 'A', relationship: 'PARENT', order: 10, sharePercent: 100 }]),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('contract changes: unknown kind, fields of another kind, empty list → 400', async () => {
    const contractChange = (changes: unknown) =>
      api
        .http()
        .post(`${path}/contract-changes`)
        .set('Authorization', bearer('clerk'))
        .send({ effectiveDate: '2022-02-01', changes });
    const unknownKind = await expectRejected(
      () => contractChange([{ kind: 'NICKNAME', nickname: 'x' }]),
      400,
      'VALIDATION_FAILED',
    );
    expect((unknownKind.body.errors as { path: string }[]).map((error) => error.path)).toEqual(
      expect.arrayContaining(['changes.0.kind']),
    );
    const wrongFields = await expectRejected(
      () => contractChange([{ kind: 'CONTACT', occupationCode: 'X' }]),
      400,
      'VALIDATION_FAILED',
    );
    expect(wrongFields.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'changes.0.occupationCode', message: 'property occupationCode should not exist' },
      ]),
    );
    await expectRejected(() => contractChange([]), 400, 'VALIDATION_FAILED');
    await expectRejected(() => contractChange([42, null]), 400, 'VALIDATION_FAILED');
    await expectRejected(() => contractChange({ kind: 'CONTACT' }), 400, 'VALIDATION_FAILED');
    await expectRejected(
      () =>
        contractChange([{ kind: 'SUM_ASSURED', sumAssured: money(1), modalPremium: { amount: -5, currency: 'CNY' } }]),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('strings over their length limit or blank → 400', async () => {
    await expectRejected(() => payment({ ...validPayment, receiptNo: 'R'.repeat(65) }), 400, 'VALIDATION_FAILED');
    await expectRejected(() => payment({ ...validPayment, receiptNo: '   ' }), 400, 'VALIDATION_FAILED');
    await expectRejected(() => payment({ ...validPayment, receiptNo: '' }), 400, 'VALIDATION_FAILED');
  });

  it('a body over 256 KiB → 413', async () => {
    const big = { ...validPayment, receiptNo: 'R-BIG', padding: 'x'.repeat(300 * 1024) };
    await expectRejected(() => payment(big), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('an unknown policy → 404 POLICY_NOT_FOUND (also with If-Match); a malformed policy id → 400', async () => {
    const unknown = await api
      .http()
      .post('/v1/policies/NOPE-0001/premium-payments')
      .set('Authorization', bearer('clerk'))
      .send(validPayment);
    expectProblem(unknown, 404, 'POLICY_NOT_FOUND');
    const withIfMatch = await api
      .http()
      .post('/v1/policies/NOPE-0001/premium-payments')
      .set('Authorization', bearer('clerk'))
      .set('If-Match', '"3"')
      .send(validPayment);
    expectProblem(withIfMatch, 404, 'POLICY_NOT_FOUND');
    expectProblem(
      await api.http().get('/v1/policies/NOPE-0001').set('Authorization', bearer('clerk')),
      404,
      'POLICY_NOT_FOUND',
    );
    expectProblem(
      await api.http().get('/v1/policies/NOPE-0001/events').set('Authorization', bearer('clerk')),
      404,
      'POLICY_NOT_FOUND',
    );
    expectProblem(
      await api.http().get('/v1/policies/bad id').set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.http().get('/v1/nothing-here').set('Authorization', bearer('clerk')),
      404,
      'ROUTE_NOT_FOUND',
    );
  });

  it('a stale If-Match → 412; a malformed one → 400; the current one → 201 with the next ETag', async () => {
    const current = await streamRevision();
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', bearer('clerk'))
          .set('If-Match', `"${current + 1}"`)
          .send(validPayment),
      412,
      'PRECONDITION_FAILED',
    );
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', bearer('clerk'))
          .set('If-Match', `W/"${current}"`)
          .send(validPayment),
      // A weak ETag never matches, even of the current revision (RFC 9110: If-Match compares strongly).
      412,
      'PRECONDITION_FAILED',
    );
    const ok = await api
      .http()
      .post(`${path}/premium-payments`)
      .set('Authorization', bearer('clerk'))
      .set('If-Match', `"${current}"`)
      .send(validPayment);
    expect(ok.status).toBe(201);
    expect(ok.headers.etag).toBe(`"${current + 1}"`);
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', bearer('clerk'))
          .set('If-Match', `"${current}"`)
          .send({ ...validPayment, installmentNo: 3, receiptNo: 'R-3' }),
      412,
      'PRECONDITION_FAILED',
    );
  });

  it('bad headers and query parameters → 400', async () => {
    await expectRejected(
      () =>
        api
          .http()
          .post(`${path}/premium-payments`)
          .set('Authorization', bearer('clerk'))
          .set('Idempotency-Key', 'k'.repeat(129))
          .send(validPayment),
      400,
      'VALIDATION_FAILED',
    );
    const asOfAndRevision = await api
      .http()
      .get(`${path}?asOf=2026-06-15T00:00:00Z&revision=0`)
      .set('Authorization', bearer('clerk'));
    expectProblem(asOfAndRevision, 400, 'VALIDATION_FAILED');
    expectProblem(
      await api.http().get(`${path}?asOf=yesterday`).set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.http().get(`${path}?asOf=2026-02-30T00:00:00Z`).set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.http().get(`${path}?revision=-1`).set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.http().get(`${path}?revision=99`).set('Authorization', bearer('clerk')),
      404,
      'POLICY_NOT_FOUND',
    );
    expectProblem(
      await api.http().get(`${path}/events?limit=0`).set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.http().get(`${path}/events?limit=5&foo=1`).set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.http().get(`${path}/reinstatement-quote?on=2026-02-29`).set('Authorization', bearer('clerk')),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.http().get(`${path}/reinstatement-quote?on=2026-02-28`).set('Authorization', bearer('clerk')),
      422,
      'POLICY_NOT_LAPSED',
    );
    expectProblem(
      await api.http().get(path).set('Authorization', bearer('clerk')).set('X-Correlation-Id', 'x'.repeat(129)),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('no input yields a 500: odd bodies on every command route', async () => {
    const routes = operationPaths((operation) => ({
      id: operation.target === 'agent' ? 'AG-1' : policyId,
      code: 'CN-ODD-1',
      reminderId: `${policyId}-R1`,
      endorsementNo: `${policyId}-E1`,
      payableId: `${policyId}-P1`,
    })).map(({ path: route }) => route);
    expect(routes).toContain(`${path}/premium-payments`);
    const bodies: unknown[] = [
      {},
      '{"__proto__": {"admin": true}, "policyId": "ODD-0009"}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"installmentNo": 1e400, "amount": {"amount": -0, "currency": "CNY"}}',
      '{"changes": [{"kind": "CONTACT", "__proto__": {"kind": "DISCLOSURE"}}], "effectiveDate": "2022-02-01"}',
      { changes: [{ kind: 'RIDER_ADDED', rider: [] }] },
      { beneficiaries: [[{ name: 'A' }]] },
      { policyholder: [issuePolicyBody('X').policyholder] },
      issuePolicyBody('ODD-0001', {
        premium: { modalPremium: money(1), frequency: 'WEEKLY', paymentTermYears: 0.5, paymentMethod: {} },
      }),
      issuePolicyBody('ODD-0002', { effectiveDate: '2026-01-01', maturityDate: '2025-01-01' }),
      issuePolicyBody('ODD-0003', { currency: 'USD' }),
      JSON.parse('{"a":' + '['.repeat(2000) + ']'.repeat(2000) + '}'),
    ];
    const before = await streamRevision();
    for (const route of routes) {
      for (const body of bodies) {
        const response = await api
          .http()
          .post(route)
          .set('Authorization', bearer('admin'))
          .set('Content-Type', 'application/json')
          .send(typeof body === 'string' ? body : JSON.stringify(body));
        expect({
          route,
          status: response.status < 500 ? 'not 5xx' : response.status,
          body: response.status < 500 ? null : response.body,
        }).toEqual({
          route,
          status: 'not 5xx',
          body: null,
        });
        expect(response.headers['content-type']).toMatch(/json/);
      }
    }
    expect(await streamRevision()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
