import { type RecordedEvent } from '@lib/event-sourcing';
import { MalformedCloudEventError, parseCloudEvent, serializeCloudEvent, toCloudEvent } from '@lib/kafka';
import { recordedEventOf } from './cloud-event-to-recorded';

const recorded: RecordedEvent = {
  streamId: 'policy-P-0001',
  revision: 3,
  position: '00000000000000000042',
  eventId: '7b0c1f7e-8a51-4c1e-9d8e-2f3a4b5c6d7e',
  type: 'PremiumReminderSent',
  data: { installmentNo: 2, sentOn: '2023-01-02' },
  metadata: {
    eventId: '7b0c1f7e-8a51-4c1e-9d8e-2f3a4b5c6d7e',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    actor: { id: 'clerk-key', roles: ['clerk'] },
    channel: 'REST',
    recordedAt: '2023-01-02T08:00:00.000Z',
    schemaVersion: 1,
  },
};

describe('CloudEvent → recorded event (the relay mapping, reversed)', () => {
  it('keeps stream, revision, position, id, type, data, and the metadata the projections read', () => {
    const back = recordedEventOf(parseCloudEvent(serializeCloudEvent(toCloudEvent(recorded))));
    expect(back).toEqual({
      ...recorded,
      metadata: {
        eventId: recorded.eventId,
        recordedAt: '2023-01-02T08:00:00.000Z',
        schemaVersion: 1,
        correlationId: 'corr-1',
        causationId: 'cause-1',
      },
    });
  });

  it("brings the request's traceparent back into the metadata (the projector's span continues its trace)", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const cloudEvent = toCloudEvent({ ...recorded, metadata: { ...recorded.metadata, traceparent } });
    expect(recordedEventOf(parseCloudEvent(serializeCloudEvent(cloudEvent))).metadata.traceparent).toBe(traceparent);
  });

  it('an old schema version travels in the type, so the projection upcasts it', () => {
    const v1 = toCloudEvent({ ...recorded, metadata: { ...recorded.metadata, schemaVersion: 1 } });
    const v2 = recordedEventOf({ ...v1, type: 'policy.PremiumReminderSent.v2' });
    expect(v2.metadata.schemaVersion).toBe(2);
    expect(v2.type).toBe('PremiumReminderSent');
  });

  it('a type that is not ours is malformed', () => {
    expect(() => recordedEventOf({ ...toCloudEvent(recorded), type: 'com.example.Other' })).toThrow(
      MalformedCloudEventError,
    );
  });
});
