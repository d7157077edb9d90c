import { readEventMetadata, toJsonMetadata, type EventMetadata } from './metadata';

const metadata: EventMetadata = {
  eventId: '0b6f1f2e-8f0a-4c56-9d1c-3b8a2f4e5d61',
  correlationId: 'c0a8012e-0000-4000-8000-000000000001',
  causationId: 'c0a8012e-0000-4000-8000-000000000002',
  actor: { id: 'supervisor-3', roles: ['supervisor', 'clerk'] },
  channel: 'GRPC',
  recordedAt: '2024-06-30T16:00:00.000Z',
  schemaVersion: 2,
};

describe('event metadata', () => {
  it('serialises every field of DESIGN 2.6 and reads it back unchanged', () => {
    const json = toJsonMetadata({ ...metadata, idempotencyKey: 'req-42' });
    expect(JSON.parse(JSON.stringify(json))).toEqual({ ...metadata, idempotencyKey: 'req-42' });
    expect(readEventMetadata(json)).toEqual({ ...metadata, idempotencyKey: 'req-42' });
  });

  it('leaves idempotencyKey out when the command had none (no undefined in stored JSON)', () => {
    expect(Object.keys(toJsonMetadata(metadata))).not.toContain('idempotencyKey');
  });

  it('stores the W3C traceparent of the request as given, and leaves it out when there was none', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const json = toJsonMetadata({ ...metadata, traceparent });
    expect(json.traceparent).toBe(traceparent);
    expect(readEventMetadata(JSON.parse(JSON.stringify(json))).traceparent).toBe(traceparent);
    expect(Object.keys(toJsonMetadata(metadata))).not.toContain('traceparent');
  });

  it('copies the actor roles, so later changes to the command do not alter the stored event', () => {
    const roles = ['clerk'];
    const json = toJsonMetadata({ ...metadata, actor: { id: 'clerk-1', roles } });
    roles.push('admin');
    expect(json.actor).toEqual({ id: 'clerk-1', roles: ['clerk'] });
  });

  it('an event written by another tool without a schema version reads as version 1', () => {
    expect(readEventMetadata({ correlationId: 'x' })).toEqual({ correlationId: 'x', schemaVersion: 1 });
    expect(readEventMetadata({ schemaVersion: '2' }).schemaVersion).toBe(1);
  });
});
