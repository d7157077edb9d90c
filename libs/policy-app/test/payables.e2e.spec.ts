/**
 * Money the insurer owes, through the API (DESIGN 2.9), with the products issue's worked example: a product with the
 * table [0, 3 %, 6.5 %, 9 %, 12 %] and a free-look cost deduction of 1,000; SA 10,000,000 at 120,000 a year from
 * 2024-03-01. Today is 2026-06-15 (the test clock).
 * - Surrender: paid through installment 3, on 2026-06-15 the value is 300,000 + round_half_up(350,000 × 106 / 365)
 *   = 401,644, due by 2026-07-15; the quote says the same, the payable is then paid out once.
 * - Free look: delivered 2026-06-10, cancelled 2026-06-11: 120,000 − 1,000 = 119,000.
 */
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoRoot } from '../src/grpc/proto-files';
import { money } from './support/fixtures';
import { startGrpcTestApi, unary, type GrpcTestApi } from './support/grpc-client';
import { waitUntilCaughtUp } from './support/report-scenario';
import { bearer, removeDataDir } from './support/test-api';
import { issueWorkedExamplePolicy, publishWorkedExampleProduct } from './support/worked-example';

const PAYEE = { name: '张三', accountRef: 'ACC-6222-0001' };

describe('payables: surrender, free look, payouts (DESIGN 2.9)', () => {
  let api: GrpcTestApi;

  const issue = (policyId: string, effectiveDate: string, paidThrough = 1) =>
    issueWorkedExamplePolicy(api, policyId, 'PAY-ENDOW', effectiveDate, paidThrough);

  beforeAll(async () => {
    api = await startGrpcTestApi();
    await publishWorkedExampleProduct(api, 'PAY-ENDOW');
    await issue('PAY-0001', '2024-03-01', 3);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('surrender quote, then SurrenderPolicy with the same breakdown, then one payout', async () => {
    const quote = await api
      .http()
      .get('/v1/policies/PAY-0001/surrender-quote?on=2026-06-15')
      .set('Authorization', bearer('clerk'))
      .expect(200);
    expect(quote.body).toEqual({
      policyId: 'PAY-0001',
      revision: 2,
      onDate: '2026-06-15',
      cashValue: money(401_644),
      loanDebt: money(0),
      prepaidPremium: money(0),
      payout: money(401_644),
      dueBy: '2026-07-15',
    });
    // The worked example's own date, 2026-09-01, quoted ahead: 476,438.
    const ahead = await api
      .http()
      .get('/v1/policies/PAY-0001/surrender-quote?on=2026-09-01')
      .set('Authorization', bearer('auditor'))
      .expect(200);
    expect(ahead.body).toMatchObject({ cashValue: money(476_438), payout: money(476_438), dueBy: '2026-10-01' });

    // A clerk may not surrender (supervisor only).
    await api
      .http()
      .post('/v1/policies/PAY-0001/surrenders')
      .set('Authorization', bearer('clerk'))
      .send({ requestedOn: '2026-06-15', payee: PAYEE })
      .expect(403);
    const surrendered = await api
      .http()
      .post('/v1/policies/PAY-0001/surrenders')
      .set('Authorization', bearer('supervisor'))
      .send({ requestedOn: '2026-06-15', payee: PAYEE })
      .expect(201);
    expect(surrendered.body.events).toEqual([expect.objectContaining({ type: 'PolicySurrendered', revision: 3 })]);

    const view = await api.http().get('/v1/policies/PAY-0001').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body).toMatchObject({
      status: 'TERMINATED',
      statusReason: 'SURRENDER',
      cashValue: null,
      payables: [
        {
          payableId: 'PAY-0001-P1',
          kind: 'SURRENDER',
          amount: money(401_644),
          payee: PAYEE,
          dueBy: '2026-07-15',
          status: 'DUE',
          overdue: false,
          paidOn: null,
        },
      ],
    });

    // TerminatePolicy no longer takes SURRENDER (it has its own route).
    const refused = await api
      .http()
      .post('/v1/policies/PAY-0001/terminations')
      .set('Authorization', bearer('supervisor'))
      .send({ terminatedOn: '2026-06-15', reason: 'SURRENDER' })
      .expect(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');

    // Paid out over gRPC (a closed policy still takes it), once.
    const paid = await unary(
      api.commands,
      'RecordPayout',
      { policy_id: 'PAY-0001', payable_id: 'PAY-0001-P1', paid_on: '2026-06-15', payment_ref: 'TRF-0001' },
      { role: 'system' },
    );
    expect(paid).toMatchObject({ ok: true, reply: { policy_id: 'PAY-0001', revision: 4 } });
    const again = await api
      .http()
      .post('/v1/policies/PAY-0001/payables/PAY-0001-P1/payout')
      .set('Authorization', bearer('clerk'))
      .send({ paidOn: '2026-06-15', paymentRef: 'TRF-0002' })
      .expect(422);
    expect(again.body.code).toBe('PAYABLE_ALREADY_PAID');
    const after = await api.http().get('/v1/policies/PAY-0001').set('Authorization', bearer('clerk')).expect(200);
    expect(after.body.payables[0]).toMatchObject({ status: 'PAID', paidOn: '2026-06-15', overdue: false });
    const unknown = await api
      .http()
      .post('/v1/policies/PAY-0001/payables/PAY-0001-P9/payout')
      .set('Authorization', bearer('clerk'))
      .send({ paidOn: '2026-06-15', paymentRef: 'TRF-0003' })
      .expect(404);
    expect(unknown.body.code).toBe('PAYABLE_NOT_FOUND');
  });

  it('free look over gRPC: the day after delivery, 120,000 − 1,000 = 119,000; the view shows the refund owed', async () => {
    await issue('PAY-0002', '2026-06-01');
    await api
      .http()
      .post('/v1/policies/PAY-0002/deliveries')
      .set('Authorization', bearer('clerk'))
      .send({ deliveredOn: '2026-06-10', receiptRef: 'DLV-1' })
      .expect(201);
    const cancelled = await unary(
      api.commands,
      'CancelInFreeLook',
      { policy_id: 'PAY-0002', requested_on: '2026-06-11', payee: { name: PAYEE.name, account_ref: PAYEE.accountRef } },
      { role: 'clerk' },
    );
    expect(cancelled).toMatchObject({ ok: true, reply: { revision: 2 } });
    const view = await api.http().get('/v1/policies/PAY-0002').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body).toMatchObject({
      status: 'TERMINATED',
      statusReason: 'FREE_LOOK',
      payables: [{ payableId: 'PAY-0002-P1', kind: 'FREE_LOOK_REFUND', amount: money(119_000), dueBy: '2026-07-11' }],
    });
  });

  it('after the free look: 422 FREE_LOOK_EXPIRED; a policy in force shows its cash value in the view', async () => {
    await issue('PAY-0003', '2024-03-01');
    await api
      .http()
      .post('/v1/policies/PAY-0003/deliveries')
      .set('Authorization', bearer('clerk'))
      .send({ deliveredOn: '2024-03-05', receiptRef: 'DLV-3' })
      .expect(201);
    const expired = await api
      .http()
      .post('/v1/policies/PAY-0003/free-look-cancellations')
      .set('Authorization', bearer('clerk'))
      .send({ requestedOn: '2026-06-15', payee: PAYEE })
      .expect(422);
    expect(expired.body.code).toBe('FREE_LOOK_EXPIRED');
    // Only installment 1 paid: paid to 2025-03-01, one year completed, CV_end(1) = 0.
    const view = await api.http().get('/v1/policies/PAY-0003').set('Authorization', bearer('clerk')).expect(200);
    expect(view.body.cashValue).toEqual(money(0));
    const grpcQuote = await unary(
      api.queries,
      'GetSurrenderQuote',
      { policy_id: 'PAY-0003', on: '2026-06-15' },
      { role: 'clerk' },
    );
    expect(grpcQuote).toMatchObject({
      ok: true,
      reply: { payout: { amount: 0, currency: 'CNY' }, due_by: '2026-07-15' },
    });
  });

  it('the payables report lists them by deadline, over REST and gRPC, with DUE/OVERDUE/PAID filters', async () => {
    await waitUntilCaughtUp(api);
    const all = await api
      .http()
      .get('/v1/reports/payables?from=2026-01-01&to=2026-12-31&asOf=2026-07-12')
      .set('Authorization', bearer('reporter'))
      .expect(200);
    // P-0002's refund is due 2026-07-11, so overdue on 2026-07-12; P-0001's surrender value was paid.
    expect(all.body.items).toEqual([
      expect.objectContaining({
        payableId: 'PAY-0002-P1',
        kind: 'FREE_LOOK_REFUND',
        amount: money(119_000),
        dueBy: '2026-07-11',
        status: 'DUE',
        overdue: true,
        paidOn: null,
      }),
      expect.objectContaining({
        payableId: 'PAY-0001-P1',
        kind: 'SURRENDER',
        amount: money(401_644),
        status: 'PAID',
        overdue: false,
        paidOn: '2026-06-15',
        paymentRef: 'TRF-0001',
      }),
    ]);
    const overdue = await api
      .http()
      .get('/v1/reports/payables?from=2026-01-01&to=2026-12-31&status=OVERDUE&asOf=2026-07-11')
      .set('Authorization', bearer('reporter'))
      .expect(200);
    expect(overdue.body.items).toEqual([]);
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
    const grpc = await unary(
      api.client(loaded.policy.v1.ReportService),
      'GetPayables',
      { from: '2026-01-01', to: '2026-12-31', status: 'PAID' },
      { role: 'auditor' },
    );
    expect(grpc).toMatchObject({ ok: true, reply: { items: [{ payable_id: 'PAY-0001-P1', status: 'PAID' }] } });
  });
});
