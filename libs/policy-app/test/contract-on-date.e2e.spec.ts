import { status } from '@grpc/grpc-js';
import { issuePolicyBody, money, MODAL_PREMIUM } from './support/fixtures';
import { protoFields, startGrpcTestApi, unary, type GrpcTestApi, type UnaryOutcome } from './support/grpc-client';
import { getReport, waitUntilCaughtUp } from './support/report-scenario';
import { bearer, removeDataDir, startTestApi, type KeyRole, type TestApi } from './support/test-api';

/**
 * The contract on a business date (DESIGN 2.5, 2.7) through the API: GET ?effectiveOn shows the terms, schedule and
 * status by law in force on a date; premium-affecting changes may be scheduled (one at a time) and withdrawn with
 * CancelScheduledChange. Every amount below is worked out by hand from the rules, not read from the code under test.
 * CN profile: grace 60 days, the lapse date is the day after the grace period's last day.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * An annual policy without survival benefits (the fixture's sum assured 50,000,000, parties and servicing agent AG-1,
 * which the test app registers: IssuePolicy needs an active servicing agent).
 */
function annualPolicy(policyId: string, effectiveDate: string, maturityDate: string, modalPremium: number) {
  return issuePolicyBody(policyId, {
    effectiveDate,
    maturityDate,
    premium: {
      modalPremium: money(modalPremium),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
    },
    survivalBenefits: [],
  });
}

function restClient(api: TestApi) {
  const post = (url: string, role: KeyRole, body?: object) => {
    const request = api.http().post(url).set('Authorization', bearer(role));
    return body === undefined ? request : request.send(body);
  };
  const created = async (url: string, role: KeyRole, body?: object) => {
    const response = await post(url, role, body);
    if (response.status !== 201) throw new Error(`POST ${url} → ${response.status} ${JSON.stringify(response.body)}`);
    return response;
  };
  const get = (url: string, role: KeyRole = 'clerk') => api.http().get(url).set('Authorization', bearer(role));
  const view = async (policyId: string, query = ''): Promise<Json> => {
    const response = await get(`/v1/policies/${policyId}${query}`);
    if (response.status !== 200) throw new Error(`GET ${policyId}${query} → ${response.status} ${response.text}`);
    return response.body;
  };
  return { post, created, get, view };
}

const problem = (response: { status: number; body: Json }) => ({ status: response.status, code: response.body.code });

describe('the contract on a business date over REST and gRPC (today 2026-06-15)', () => {
  let api: GrpcTestApi;
  let rest: ReturnType<typeof restClient>;

  beforeAll(async () => {
    api = await startGrpcTestApi({ today: '2026-06-15' });
    rest = restClient(api);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  /**
   * COD-A001: effective 2025-09-01, annual 500,000, 10 years; installment 1 (2025-09-01) paid at issue, installment 2
   * due 2026-09-01 (the first anniversary) is the earliest unpaid one. Its grace ends 2026-09-01 + 60 days =
   * 2026-10-31 (29 days to Sep 30, 31 in Oct), so the lapse date is 2026-11-01.
   */
  const A = 'COD-A001';
  const pathA = `/v1/policies/${A}`;
  const sumAssuredChange = {
    effectiveDate: '2026-09-01',
    changes: [
      { kind: 'SUM_ASSURED', sumAssured: money(60_000_000), modalPremium: money(600_000), underwritingRef: 'UW-A-1' },
    ],
  };
  const riderAdded = {
    effectiveDate: '2026-09-01',
    changes: [
      {
        kind: 'RIDER_ADDED',
        rider: { code: 'ADD-01', sumAssured: money(10_000_000), modalPremium: money(50_000), endDate: '2035-09-01' },
      },
    ],
  };

  describe('(a) effectiveOn: terms before and after a scheduled change; status by law on a date', () => {
    it('a SUM_ASSURED change on the next due date (2026-09-01) is scheduled: not in force today', async () => {
      await rest.created('/v1/policies', 'clerk', annualPolicy(A, '2025-09-01', '2045-09-01', MODAL_PREMIUM));
      const changed = await rest.created(`${pathA}/contract-changes`, 'clerk', sumAssuredChange);
      expect(changed.body.revision).toBe(1);

      const today = await rest.view(A);
      expect(today).toMatchObject({
        effectiveOn: '2026-06-15',
        status: 'IN_FORCE',
        statusByLaw: 'IN_FORCE',
        suspendedSince: null,
        sumAssured: money(50_000_000),
        endorsementCount: 1,
        scheduledChanges: [{ endorsementNo: `${A}-E1`, effectiveDate: '2026-09-01', kinds: ['SUM_ASSURED'] }],
      });
      expect(today.premium).toMatchObject({
        modalPremium: money(500_000),
        installmentPremium: money(500_000),
        // Installment 2 falls due on the day the change takes effect: it is billed on the new terms.
        nextInstallment: { installmentNo: 2, dueDate: '2026-09-01', amount: money(600_000) },
      });
    });

    it('the day before it takes effect the old sum assured; from 2026-09-01 the new one', async () => {
      const before = await rest.view(A, '?effectiveOn=2026-08-31');
      expect(before).toMatchObject({ effectiveOn: '2026-08-31', sumAssured: money(50_000_000) });
      expect(before.premium.modalPremium).toEqual(money(500_000));
      expect(before.scheduledChanges).toEqual([
        { endorsementNo: `${A}-E1`, effectiveDate: '2026-09-01', kinds: ['SUM_ASSURED'] },
      ]);

      const after = await rest.view(A, '?effectiveOn=2026-09-01');
      expect(after).toMatchObject({ effectiveOn: '2026-09-01', sumAssured: money(60_000_000), scheduledChanges: [] });
      expect(after.premium).toMatchObject({ modalPremium: money(600_000), installmentPremium: money(600_000) });
    });

    it('effectiveOn combines with revision and asOf: what was known then, shown on that date', async () => {
      const atIssue = await rest.view(A, '?revision=0&effectiveOn=2026-09-01');
      expect(atIssue).toMatchObject({ revision: 0, sumAssured: money(50_000_000), scheduledChanges: [] });

      const history = await rest.get(`${pathA}/events`, 'auditor').expect(200);
      const issuedAt = history.body.events[0].recordedAt as string;
      const asOfIssue = await rest.view(A, `?asOf=${encodeURIComponent(issuedAt)}&effectiveOn=2026-09-01`);
      expect(asOfIssue).toMatchObject({ revision: 0, sumAssured: money(50_000_000) });
    });

    it('2026-10-31 is still grace (IN_FORCE); on 2026-11-01 SUSPENDED by law while the recorded status is IN_FORCE', async () => {
      const lastDayOfGrace = await rest.view(A, '?effectiveOn=2026-10-31');
      expect(lastDayOfGrace).toMatchObject({ status: 'IN_FORCE', statusByLaw: 'IN_FORCE', suspendedSince: null });

      const lapseDate = await rest.view(A, '?effectiveOn=2026-11-01');
      expect(lapseDate).toMatchObject({
        effectiveOn: '2026-11-01',
        status: 'IN_FORCE',
        statusByLaw: 'SUSPENDED',
        suspendedSince: '2026-11-01',
        lapse: null,
        sumAssured: money(60_000_000),
      });
      expect(lapseDate.premium.lapseEligibleFrom).toBe('2026-11-01');
    });

    it('effectiveOn must be a real date (400); before the policy took effect it is 422 DATE_BEFORE_POLICY', async () => {
      const unreal = await rest.get(`${pathA}?effectiveOn=2026-02-30`);
      expect(problem(unreal)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(unreal.body.errors).toEqual([{ path: 'effectiveOn', message: expect.stringContaining('real calendar') }]);
      expect(problem(await rest.get(`${pathA}?effectiveOn=2026-9-1`))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      const beforePolicy = await rest.get(`${pathA}?effectiveOn=2025-08-31`);
      expect(problem(beforePolicy)).toEqual({ status: 422, code: 'DATE_BEFORE_POLICY' });
      expect(beforePolicy.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('(b) one scheduled premium-affecting change at a time; CancelScheduledChange', () => {
    it('another premium-affecting change while E1 is scheduled → 422 SCHEDULED_CHANGE_PENDING, nothing written', async () => {
      const refused = await rest.post(`${pathA}/contract-changes`, 'clerk', riderAdded);
      expect(problem(refused)).toEqual({ status: 422, code: 'SCHEDULED_CHANGE_PENDING' });
      expect(refused.body.detail).toContain(`${A}-E1`);
      expect((await rest.view(A)).revision).toBe(1);
    });

    it('a change that does not affect the premium is not held up (E2, in force today)', async () => {
      await rest.created(`${pathA}/contract-changes`, 'clerk', {
        effectiveDate: '2026-06-15',
        changes: [{ kind: 'CONTACT', phone: '+86 139 0000 0009' }],
      });
      const view = await rest.view(A);
      expect(view).toMatchObject({ revision: 2, endorsementCount: 2 });
      expect(view.policyholder.phone).toBe('+86 139 0000 0009');
    });

    it('the cancellation route: clerk only, no body fields, a well-formed endorsement that is scheduled', async () => {
      const cancellation = (endorsementNo: string) => `${pathA}/contract-changes/${endorsementNo}/cancellation`;
      expect(problem(await rest.post(cancellation(`${A}-E1`), 'auditor'))).toEqual({ status: 403, code: 'FORBIDDEN' });
      const withField = await rest.post(cancellation(`${A}-E1`), 'clerk', { reason: 'customer changed mind' });
      expect(problem(withField)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(withField.body.errors).toEqual([{ path: 'reason', message: 'property reason should not exist' }]);
      expect(problem(await rest.post(cancellation('E1'), 'clerk'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      // E2 (the contact change) took effect today and does not affect the premium; E9 does not exist.
      expect(problem(await rest.post(cancellation(`${A}-E2`), 'clerk'))).toEqual({
        status: 422,
        code: 'NO_SCHEDULED_CHANGE',
      });
      expect(problem(await rest.post(cancellation(`${A}-E9`), 'clerk', {}))).toEqual({
        status: 422,
        code: 'NO_SCHEDULED_CHANGE',
      });
      expect((await rest.view(A)).revision).toBe(2);
    });

    it('CancelScheduledChange withdraws E1: it no longer shows, and installment 2 is back at 500,000', async () => {
      const cancelled = await rest.created(`${pathA}/contract-changes/${A}-E1/cancellation`, 'clerk');
      expect(cancelled.headers.etag).toBe('"3"');
      expect(cancelled.body).toEqual({
        policyId: A,
        revision: 3,
        events: [{ eventId: expect.any(String), type: 'ScheduledChangeCancelled', revision: 3 }],
      });
      const history = await rest.get(`${pathA}/events?fromRevision=3`, 'auditor').expect(200);
      expect(history.body.events[0].data).toEqual({
        endorsementNo: `${A}-E1`,
        cancelledOn: '2026-06-15',
        withdrawnPayables: [],
      });

      const today = await rest.view(A);
      expect(today.scheduledChanges).toEqual([]);
      expect(today.premium.nextInstallment).toEqual({
        installmentNo: 2,
        dueDate: '2026-09-01',
        amount: money(500_000),
      });
      const onDueDate = await rest.view(A, '?effectiveOn=2026-09-01');
      expect(onDueDate.sumAssured).toEqual(money(50_000_000));

      expect(problem(await rest.post(`${pathA}/contract-changes/${A}-E1/cancellation`, 'clerk'))).toEqual({
        status: 422,
        code: 'NO_SCHEDULED_CHANGE',
      });
    });

    it('then the rider goes through as E3 (numbers are never reused): 500,000 + 50,000 = 550,000 from 2026-09-01', async () => {
      await rest.created(`${pathA}/contract-changes`, 'clerk', riderAdded);
      const today = await rest.view(A);
      expect(today).toMatchObject({
        revision: 4,
        riders: [],
        scheduledChanges: [{ endorsementNo: `${A}-E3`, effectiveDate: '2026-09-01', kinds: ['RIDER_ADDED'] }],
      });
      expect(today.premium.nextInstallment.amount).toEqual(money(550_000));

      const onDueDate = await rest.view(A, '?effectiveOn=2026-09-01');
      expect(onDueDate.riders).toEqual([
        {
          code: 'ADD-01',
          sumAssured: money(10_000_000),
          modalPremium: money(50_000),
          endDate: '2035-09-01',
          startDate: '2026-09-01',
        },
      ]);
      expect(onDueDate.premium).toMatchObject({ modalPremium: money(500_000), installmentPremium: money(550_000) });
    });
  });

  describe('(d) gRPC: GetPolicy with effective_on, CancelScheduledChange', () => {
    /** gRPC reply → the REST document: camelCase members; absent optional fields and null messages left out. */
    const restShaped = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(restShaped);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, member]) => member !== null && member !== undefined)
          .map(([key, member]) => [key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), restShaped(member)]),
      );
    };

    it('GetPolicy effective_on 2026-11-01: SUSPENDED by law, the rider in force; the same document as REST', async () => {
      const reply = await unary(api.queries, 'GetPolicy', { policy_id: A, effective_on: '2026-11-01' });
      if (!reply.ok) throw new Error(`GetPolicy failed: ${reply.details}`);
      expect(reply.headers.etag).toBe('4');
      expect(reply.reply).toMatchObject({
        effective_on: '2026-11-01',
        status: 'IN_FORCE',
        status_by_law: 'SUSPENDED',
        suspended_since: '2026-11-01',
        scheduled_changes: [],
        riders: [{ code: 'ADD-01', start_date: '2026-09-01', modal_premium: money(50_000) }],
      });
      expect(reply.reply.premium).toMatchObject({ installment_premium: money(550_000) });

      const viaRest = await rest.view(A, '?effectiveOn=2026-11-01');
      expect(restShaped(reply.reply)).toEqual(restShaped(viaRest));
    });

    it('GetPolicy effective_on: an unreal date is INVALID_ARGUMENT; before the policy FAILED_PRECONDITION', async () => {
      expect(failure(await unary(api.queries, 'GetPolicy', { policy_id: A, effective_on: '2026-02-30' }))).toEqual({
        code: status.INVALID_ARGUMENT,
        reason: 'VALIDATION_FAILED',
        violations: [{ field: 'effective_on', description: expect.stringContaining('real calendar date') }],
      });
      expect(
        failure(await unary(api.queries, 'GetPolicy', { policy_id: A, effective_on: '2025-08-31' })),
      ).toMatchObject({
        code: status.FAILED_PRECONDITION,
        reason: 'DATE_BEFORE_POLICY',
      });
    });

    it('CancelScheduledChange withdraws E3 (clerk; expected_revision as If-Match); again → NO_SCHEDULED_CHANGE', async () => {
      const request = { policy_id: A, endorsement_no: `${A}-E3`, expected_revision: 4 };
      expect(failure(await unary(api.commands, 'CancelScheduledChange', request, { role: 'auditor' }))).toMatchObject({
        code: status.PERMISSION_DENIED,
        reason: 'FORBIDDEN',
      });
      expect(
        failure(await unary(api.commands, 'CancelScheduledChange', { ...request, endorsement_no: 'E3' })),
      ).toMatchObject({
        code: status.INVALID_ARGUMENT,
        violations: [{ field: 'endorsement_no', description: expect.any(String) }],
      });

      const cancelled = await unary(api.commands, 'CancelScheduledChange', request);
      if (!cancelled.ok) throw new Error(`CancelScheduledChange failed: ${cancelled.details}`);
      expect(cancelled.reply).toEqual({
        policy_id: A,
        revision: 5,
        events: [{ event_id: expect.any(String), type: 'ScheduledChangeCancelled', revision: 5 }],
      });
      expect(cancelled.headers.etag).toBe('5');
      const today = await rest.view(A);
      expect(today.scheduledChanges).toEqual([]);
      expect(today.premium.nextInstallment.amount).toEqual(money(500_000));
      const history = await rest.get(`${pathA}/events?fromRevision=5`, 'auditor').expect(200);
      expect(history.body.events[0].metadata.channel).toBe('GRPC');

      const again = await unary(api.commands, 'CancelScheduledChange', { policy_id: A, endorsement_no: `${A}-E3` });
      expect(failure(again)).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'NO_SCHEDULED_CHANGE' });
    });

    /**
     * COD-R001: effective 2025-07-01, annual 120,000 + rider WP-01 at 12,000 (installment 1 = 132,000, paid at
     * issue). On the first anniversary 2026-07-01 it changes to MONTHLY: base 10,500 and the rider 1,050 (each an
     * annual twelfth, 10,000 and 1,000, plus 5 % for paying monthly), so installment 2 (2026-07-01) is 11,550.
     */
    it('ChangeContract PREMIUM_FREQUENCY with rider_premiums over gRPC reprices the rider from the anniversary', async () => {
      const R = 'COD-R001';
      const rider = { code: 'WP-01', sumAssured: money(1_000_000), modalPremium: money(12_000), endDate: '2035-07-01' };
      await rest.created('/v1/policies', 'clerk', {
        ...annualPolicy(R, '2025-07-01', '2035-07-01', 120_000),
        riders: [rider],
      });
      const frequencyChange = (riderPremiums: object[]) =>
        protoFields({
          policyId: R,
          effectiveDate: '2026-07-01',
          changes: [{ premiumFrequency: { frequency: 'MONTHLY', modalPremium: money(10_500), riderPremiums } }],
        });
      // The same rules as REST: a malformed rider code is INVALID_ARGUMENT, named by its proto path …
      const malformed = await unary(
        api.commands,
        'ChangeContract',
        frequencyChange([{ code: 'wp 01', modalPremium: money(1_050) }]),
      );
      expect(failure(malformed)).toMatchObject({
        code: status.INVALID_ARGUMENT,
        violations: [{ field: 'changes[0].premium_frequency.rider_premiums[0].code', description: expect.any(String) }],
      });
      const restMalformed = await rest.post(`/v1/policies/${R}/contract-changes`, 'clerk', {
        effectiveDate: '2026-07-01',
        changes: [
          {
            kind: 'PREMIUM_FREQUENCY',
            frequency: 'MONTHLY',
            modalPremium: money(10_500),
            riderPremiums: [{ code: 'wp 01', modalPremium: money(1_050) }],
          },
        ],
      });
      expect(restMalformed.body.errors.map((error: { path: string }) => error.path)).toEqual([
        'changes.0.riderPremiums.0.code',
      ]);
      // … and leaving the rider in force unpriced is the domain's RIDER_PREMIUMS_INVALID.
      expect(failure(await unary(api.commands, 'ChangeContract', frequencyChange([])))).toMatchObject({
        code: status.FAILED_PRECONDITION,
        reason: 'RIDER_PREMIUMS_INVALID',
      });

      const changed = await unary(
        api.commands,
        'ChangeContract',
        frequencyChange([{ code: 'WP-01', modalPremium: money(1_050) }]),
      );
      expect(changed.ok).toBe(true);
      const today = await rest.view(R);
      expect(today.premium).toMatchObject({
        frequency: 'ANNUAL',
        installmentPremium: money(132_000),
        nextInstallment: { installmentNo: 2, dueDate: '2026-07-01', amount: money(11_550) },
      });
      // Today's terms know nothing of the repricing yet: it is a scheduled endorsement.
      expect(today.riders).toEqual([{ ...rider, startDate: '2025-07-01' }]);
      expect(today.scheduledChanges).toEqual([
        { endorsementNo: `${R}-E1`, effectiveDate: '2026-07-01', kinds: ['PREMIUM_FREQUENCY'] },
      ]);
      const onAnniversary = await rest.view(R, '?effectiveOn=2026-07-01');
      expect(onAnniversary.premium).toMatchObject({
        frequency: 'MONTHLY',
        modalPremium: money(10_500),
        installmentPremium: money(11_550),
      });
      expect(onAnniversary.riders).toEqual([{ ...rider, modalPremium: money(1_050), startDate: '2026-07-01' }]);
      const event = (await rest.get(`/v1/policies/${R}/events?fromRevision=1`, 'auditor').expect(200)).body.events[0];
      expect(event.data.changes).toEqual([
        {
          kind: 'PREMIUM_FREQUENCY',
          frequency: 'MONTHLY',
          modalPremium: money(10_500),
          riderPremiums: [{ code: 'WP-01', modalPremium: money(1_050) }],
        },
      ]);
    });
  });

  /**
   * COD-T001: effective 2025-09-01, premiums paid 500,000 (installment 1). The insurer learns of a negligent
   * non-disclosure on 2026-06-01 and rescinds on 2026-06-15: inside 2 years of issue (incontestable from 2027-09-01)
   * and 30 days of knowing (until 2026-07-01); the refund is the premiums paid, 500,000.
   */
  describe('(e) TerminatePolicy with reason, ground and groundKnownOn', () => {
    const T = 'COD-T001';
    const terminations = `/v1/policies/${T}/terminations`;
    const rescission = {
      terminatedOn: '2026-06-15',
      reason: 'RESCINDED',
      ground: 'NON_DISCLOSURE_NEGLIGENT',
      groundKnownOn: '2026-06-01',
    };

    it('validation at the edge (REST and gRPC alike), the ground only with RESCINDED, system only for scheduled reasons', async () => {
      await rest.created('/v1/policies', 'clerk', annualPolicy(T, '2025-09-01', '2045-09-01', MODAL_PREMIUM));
      const badGround = await rest.post(terminations, 'supervisor', { ...rescission, ground: 'FRAUD' });
      expect(problem(badGround)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(badGround.body.errors.map((error: { path: string }) => error.path)).toEqual(['ground']);
      const grpcBadGround = await unary(
        api.commands,
        'TerminatePolicy',
        protoFields({ policyId: T, ...rescission, ground: 'FRAUD' }),
        { role: 'supervisor' },
      );
      expect(failure(grpcBadGround).violations.map((violation) => violation.field)).toEqual(['ground']);

      const { ground: _ground, groundKnownOn: _knownOn, ...withoutGround } = rescission;
      expect(problem(await rest.post(terminations, 'supervisor', withoutGround))).toEqual({
        status: 422,
        code: 'RESCISSION_GROUND_REQUIRED',
      });
      expect(problem(await rest.post(terminations, 'supervisor', { ...rescission, reason: 'DEATH' }))).toEqual({
        status: 422,
        code: 'RESCISSION_GROUND_REQUIRED',
      });
      // The scheduler's key may record EXPIRY (refused here by the rule: the term runs to 2045), not a DEATH.
      expect(
        problem(await rest.post(terminations, 'system', { terminatedOn: '2026-06-15', reason: 'EXPIRY' })),
      ).toEqual({ status: 422, code: 'EXPIRY_NOT_DUE' });
      expect(problem(await rest.post(terminations, 'system', { terminatedOn: '2026-06-15', reason: 'DEATH' }))).toEqual(
        { status: 403, code: 'FORBIDDEN' },
      );
      expect((await rest.view(T)).revision).toBe(0);
    });

    it('RESCINDED with its ground → PolicyTerminated refunding the premiums paid; TERMINATED by law from that day', async () => {
      const terminated = await rest.created(terminations, 'supervisor', rescission);
      expect(terminated.body.events[0].type).toBe('PolicyTerminated');
      const event = (await rest.get(`/v1/policies/${T}/events?fromRevision=1`, 'auditor').expect(200)).body.events[0];
      // The premiums paid are owed back within 30 days of the rescission (2026-06-15 + 30 = 2026-07-15).
      expect(event.data).toEqual({
        ...rescission,
        refund: money(500_000),
        payable: {
          payableId: `${T}-P1`,
          kind: 'RESCISSION_REFUND',
          amount: money(500_000),
          payee: { name: 'Li Wei', accountRef: 'ACC-1' },
          dueBy: '2026-07-15',
        },
      });
      expect(await rest.view(T)).toMatchObject({
        status: 'TERMINATED',
        statusReason: 'RESCINDED',
        statusByLaw: 'TERMINATED',
      });
      expect(await rest.view(T, '?effectiveOn=2026-06-14')).toMatchObject({
        status: 'TERMINATED',
        statusByLaw: 'IN_FORCE',
      });
    });
  });

  function failure(outcome: UnaryOutcome) {
    if (outcome.ok) throw new Error('expected an error');
    return { code: outcome.code, reason: outcome.status.errorInfo?.reason, violations: outcome.status.fieldViolations };
  }
});

/**
 * (c) The worked example. COD-W001: effective 2025-07-01, ANNUAL 120,000, 10 years (maturity 2035-07-01); installment
 * 1 (2025-07-01) paid at issue. The customer switches to MONTHLY from the first anniversary 2026-07-01 at 10,500 a
 * month (120,000 / 12 = 10,000, plus 5 % for paying monthly). The schedule then has 1 annual installment (months
 * 0–12) and 108 monthly ones (months 12–120): 109 installments, #2 due 2026-07-01, #3 2026-08-01, … #109 2035-06-01.
 * Later the sum assured is halved from 50,000,000 to 25,000,000 from the next monthly due date, 2026-08-01, at
 * 5,250 a month (10,500 / 2): #3 onwards cost 5,250 — never the annual 120,000 again.
 */
describe('(c) worked example: ANNUAL → MONTHLY on the anniversary, then a SUM_ASSURED change (today 2026-06-15)', () => {
  let api: TestApi;
  let rest: ReturnType<typeof restClient>;
  const W = 'COD-W001';
  const pathW = `/v1/policies/${W}`;
  const halvedSumAssured = {
    effectiveDate: '2026-08-01',
    changes: [{ kind: 'SUM_ASSURED', sumAssured: money(25_000_000), modalPremium: money(5_250) }],
  };

  beforeAll(async () => {
    api = await startTestApi({
      today: '2026-06-15',
      env: { SCHEDULER_ENABLED: 'false', ORPHAN_REASSIGNMENT_ENABLED: 'false' },
    });
    rest = restClient(api);
    await rest.created('/v1/policies', 'clerk', annualPolicy(W, '2025-07-01', '2035-07-01', 120_000));
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  it('the frequency change on the first anniversary is scheduled; installment 2 is already billed at 10,500', async () => {
    await rest.created(`${pathW}/contract-changes`, 'clerk', {
      effectiveDate: '2026-07-01',
      changes: [{ kind: 'PREMIUM_FREQUENCY', frequency: 'MONTHLY', modalPremium: money(10_500) }],
    });
    const today = await rest.view(W);
    expect(today.premium).toMatchObject({
      frequency: 'ANNUAL',
      modalPremium: money(120_000),
      installmentPremium: money(120_000),
      installmentCount: 109,
      paidInstallments: 1,
      nextInstallment: { installmentNo: 2, dueDate: '2026-07-01', amount: money(10_500) },
    });
    expect(today.scheduledChanges).toEqual([
      { endorsementNo: `${W}-E1`, effectiveDate: '2026-07-01', kinds: ['PREMIUM_FREQUENCY'] },
    ]);
    const onAnniversary = await rest.view(W, '?effectiveOn=2026-07-01');
    expect(onAnniversary.premium).toMatchObject({ frequency: 'MONTHLY', modalPremium: money(10_500) });
    expect(onAnniversary.scheduledChanges).toEqual([]);
  });

  it('a SUM_ASSURED change while the frequency change is scheduled → 422 SCHEDULED_CHANGE_PENDING', async () => {
    const refused = await rest.post(`${pathW}/contract-changes`, 'clerk', halvedSumAssured);
    expect(problem(refused)).toEqual({ status: 422, code: 'SCHEDULED_CHANGE_PENDING' });
    expect((await rest.view(W)).revision).toBe(1);
  });

  it('2026-07-10: the frequency change is in force; installment 2 is paid at 10,500, not at the annual 120,000', async () => {
    api.clock.setToday('2026-07-10');
    const today = await rest.view(W);
    expect(today).toMatchObject({ effectiveOn: '2026-07-10', statusByLaw: 'IN_FORCE', scheduledChanges: [] });
    expect(today.premium).toMatchObject({ frequency: 'MONTHLY', modalPremium: money(10_500) });

    const annualAmount = await rest.post(`${pathW}/premium-payments`, 'clerk', {
      installmentNo: 2,
      amount: money(120_000),
      paidOn: '2026-07-08',
      receiptNo: 'W-2',
    });
    expect(problem(annualAmount)).toEqual({ status: 422, code: 'PREMIUM_AMOUNT_MISMATCH' });
    await rest.created(`${pathW}/premium-payments`, 'clerk', {
      installmentNo: 2,
      amount: money(10_500),
      paidOn: '2026-07-08',
      receiptNo: 'W-2',
    });
  });

  it('the SUM_ASSURED change on the next monthly due date 2026-08-01 at 5,250 bills installment 3 on at 5,250', async () => {
    await rest.created(`${pathW}/contract-changes`, 'clerk', halvedSumAssured);
    const today = await rest.view(W);
    expect(today).toMatchObject({
      sumAssured: money(50_000_000),
      // The refused request used no endorsement number: this is E2.
      scheduledChanges: [{ endorsementNo: `${W}-E2`, effectiveDate: '2026-08-01', kinds: ['SUM_ASSURED'] }],
    });
    expect(today.premium).toMatchObject({
      modalPremium: money(10_500),
      paidInstallments: 2,
      nextInstallment: { installmentNo: 3, dueDate: '2026-08-01', amount: money(5_250) },
    });
    const fromChange = await rest.view(W, '?effectiveOn=2026-08-01');
    expect(fromChange.sumAssured).toEqual(money(25_000_000));
    expect(fromChange.premium).toMatchObject({ modalPremium: money(5_250), installmentPremium: money(5_250) });

    await waitUntilCaughtUp(api);
    const rows = async (from: string, to: string) =>
      ((await getReport(api, `/v1/reports/premiums-due?from=${from}&to=${to}`).expect(200)).body.items as Json[])
        .filter((item) => item.policyId === W)
        .map(({ installmentNo, dueDate, amount, status: rowStatus }) => ({
          installmentNo,
          dueDate,
          amount,
          rowStatus,
        }));
    expect(await rows('2026-07-01', '2026-10-01')).toEqual([
      { installmentNo: 2, dueDate: '2026-07-01', amount: money(10_500), rowStatus: 'PAID' },
      { installmentNo: 3, dueDate: '2026-08-01', amount: money(5_250), rowStatus: 'DUE' },
      { installmentNo: 4, dueDate: '2026-09-01', amount: money(5_250), rowStatus: 'DUE' },
      { installmentNo: 5, dueDate: '2026-10-01', amount: money(5_250), rowStatus: 'DUE' },
    ]);
    // The last of the 109 installments: month 119 from 2025-07-01.
    expect(await rows('2035-06-01', '2035-07-01')).toEqual([
      { installmentNo: 109, dueDate: '2035-06-01', amount: money(5_250), rowStatus: 'DUE' },
    ]);
  });

  it('2026-08-05: installment 3 is paid at 5,250; the next one (2026-09-01) is 5,250 too', async () => {
    api.clock.setToday('2026-08-05');
    const tooMuch = await rest.post(`${pathW}/premium-payments`, 'clerk', {
      installmentNo: 3,
      amount: money(10_500),
      paidOn: '2026-08-03',
      receiptNo: 'W-3',
    });
    expect(problem(tooMuch)).toEqual({ status: 422, code: 'PREMIUM_AMOUNT_MISMATCH' });
    await rest.created(`${pathW}/premium-payments`, 'clerk', {
      installmentNo: 3,
      amount: money(5_250),
      paidOn: '2026-08-03',
      receiptNo: 'W-3',
    });
    const today = await rest.view(W);
    expect(today).toMatchObject({ sumAssured: money(25_000_000), scheduledChanges: [] });
    expect(today.premium).toMatchObject({
      frequency: 'MONTHLY',
      modalPremium: money(5_250),
      installmentPremium: money(5_250),
      installmentCount: 109,
      paidInstallments: 3,
      nextInstallment: { installmentNo: 4, dueDate: '2026-09-01', amount: money(5_250) },
    });
  });
});
