/**
 * SendPremiumReminder answers with the id of the reminder it sent, so a client can record its delivery without
 * reading the policy history: over REST (`reminderId`) and gRPC (`reminder_id`), also when a request is replayed.
 */
import { issuePolicyBody } from './support/fixtures';
import { protoFields, startGrpcTestApi, unary, type GrpcTestApi, type UnaryOutcome } from './support/grpc-client';
import { bearer, removeDataDir } from './support/test-api';

describe('SendPremiumReminder returns the reminderId that RecordReminderDelivery takes', () => {
  let api: GrpcTestApi;
  const policyId = 'RMD-0001';
  const path = `/v1/policies/${policyId}`;
  const reminder = { installmentNo: 2, kind: 'PRE_DUE', channel: 'SMS', sentOn: '2022-12-15' };

  beforeAll(async () => {
    api = await startGrpcTestApi();
    await api
      .http()
      .post('/v1/policies')
      .set('Authorization', bearer('clerk'))
      .send(issuePolicyBody(policyId))
      .expect(201);
  });
  afterAll(async () => {
    await api.close();
    removeDataDir(api.dataDir);
  });

  const ok = (outcome: UnaryOutcome) => {
    if (!outcome.ok) throw new Error(`expected success, got ${outcome.code} ${outcome.details}`);
    return outcome.reply;
  };

  it('REST: 201 with reminderId; the delivery route accepts it; a replay returns the same id', async () => {
    const sent = await api
      .http()
      .post(`${path}/premium-reminders`)
      .set('Authorization', bearer('system'))
      .set('Idempotency-Key', 'reminder-rest-1')
      .send(reminder)
      .expect(201);
    expect(sent.body).toEqual({
      policyId,
      revision: 1,
      events: [{ eventId: expect.any(String), type: 'PremiumReminderSent', revision: 1 }],
      reminderId: `${policyId}-R1`,
    });

    const delivery = await api
      .http()
      .post(`${path}/premium-reminders/${sent.body.reminderId}/delivery`)
      .set('Authorization', bearer('clerk'))
      .send({ outcome: 'DELIVERED', recordedOn: '2022-12-20' })
      .expect(201);
    expect(delivery.body.events[0].type).toBe('PremiumReminderDeliveryRecorded');
    expect(delivery.body.reminderId).toBeUndefined();

    const replayed = await api
      .http()
      .post(`${path}/premium-reminders`)
      .set('Authorization', bearer('system'))
      .set('Idempotency-Key', 'reminder-rest-1')
      .send(reminder)
      .expect(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(sent.body);
  });

  it('gRPC: the reply carries reminder_id; RecordReminderDelivery takes it; other replies have none', async () => {
    const sent = ok(
      await unary(
        api.commands,
        'SendPremiumReminder',
        { policy_id: policyId, ...protoFields(reminder) },
        { role: 'system' },
      ),
    );
    expect(sent).toMatchObject({ policy_id: policyId, reminder_id: `${policyId}-R2` });

    const delivered = ok(
      await unary(api.commands, 'RecordReminderDelivery', {
        policy_id: policyId,
        reminder_id: sent.reminder_id,
        outcome: 'RETURNED',
        recorded_on: '2022-12-20',
      }),
    );
    expect(delivered.events).toEqual([expect.objectContaining({ type: 'PremiumReminderDeliveryRecorded' })]);
    expect(delivered.reminder_id).toBeUndefined();
  });

  it('the OpenAPI document describes reminderId on the command response', async () => {
    const document = (await api.http().get('/docs-json').expect(200)).body as {
      components: { schemas: Record<string, { properties?: Record<string, { description?: string }> }> };
    };
    const response = document.components.schemas.PolicyCommandResponse;
    expect(response.properties?.reminderId?.description).toMatch(/SendPremiumReminder only/);
  });
});
