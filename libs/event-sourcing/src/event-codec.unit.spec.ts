import {
  createEventCodec,
  upcast,
  UnknownEventTypeError,
  UnsupportedSchemaVersionError,
  type EventSchemas,
} from './event-codec';

// A policy-like event whose shape changed twice: v1 → v2 money became an object, v2 → v3 a field was renamed.
const schemas: EventSchemas = {
  PremiumPaid: {
    currentVersion: 3,
    upcasters: {
      1: (data) => ({ ...data, amount: { amount: data.amount, currency: 'CNY' } }),
      2: ({ paidAt, ...rest }) => ({ ...rest, paidOn: paidAt }),
    },
  },
  PolicyLapsed: { currentVersion: 1 },
  GappedEvent: { currentVersion: 3, upcasters: { 2: (data) => data } },
};

/** Frozen JSON of released versions: these strings never change, whatever the current shape is. */
const FROZEN_PREMIUM_PAID_V1 = '{"installmentNo":2,"amount":120000,"paidAt":"2024-03-01"}';
const FROZEN_PREMIUM_PAID_V2 = '{"installmentNo":2,"amount":{"amount":120000,"currency":"CNY"},"paidAt":"2024-03-01"}';
const CURRENT_PREMIUM_PAID = { installmentNo: 2, amount: { amount: 120000, currency: 'CNY' }, paidOn: '2024-03-01' };

describe('upcast', () => {
  it('a v1 event goes through the whole chain to the current shape', () => {
    const data = upcast(schemas, { type: 'PremiumPaid', data: JSON.parse(FROZEN_PREMIUM_PAID_V1), schemaVersion: 1 });
    expect(data).toEqual(CURRENT_PREMIUM_PAID);
  });

  it('a v2 event takes only the remaining step', () => {
    const data = upcast(schemas, { type: 'PremiumPaid', data: JSON.parse(FROZEN_PREMIUM_PAID_V2), schemaVersion: 2 });
    expect(data).toEqual(CURRENT_PREMIUM_PAID);
  });

  it('an event already at the current version is returned unchanged', () => {
    const data = { ...CURRENT_PREMIUM_PAID };
    expect(upcast(schemas, { type: 'PremiumPaid', data, schemaVersion: 3 })).toBe(data);
  });

  it('does not modify the stored data it was given', () => {
    const stored = JSON.parse(FROZEN_PREMIUM_PAID_V1);
    upcast(schemas, { type: 'PremiumPaid', data: stored, schemaVersion: 1 });
    expect(stored).toEqual(JSON.parse(FROZEN_PREMIUM_PAID_V1));
  });

  it('a missing step in the chain → UnsupportedSchemaVersionError naming the stored version', () => {
    const attempt = () => upcast(schemas, { type: 'GappedEvent', data: {}, schemaVersion: 1 });
    expect(attempt).toThrow(UnsupportedSchemaVersionError);
    expect(attempt).toThrow('No upcaster path for GappedEvent v1');
  });

  it('a version from the future (written by a newer release) → UnsupportedSchemaVersionError', () => {
    const attempt = () => upcast(schemas, { type: 'PolicyLapsed', data: {}, schemaVersion: 2 });
    expect(attempt).toThrow(UnsupportedSchemaVersionError);
  });

  it('an unknown event type → UnknownEventTypeError', () => {
    expect(() => upcast(schemas, { type: 'PolicyUpdated', data: {}, schemaVersion: 1 })).toThrow(UnknownEventTypeError);
  });
});

describe('createEventCodec', () => {
  type PolicyEvent =
    { type: 'PremiumPaid'; data: typeof CURRENT_PREMIUM_PAID } | { type: 'PolicyLapsed'; data: { lapsedOn: string } };
  const codec = createEventCodec<PolicyEvent>({
    PremiumPaid: schemas.PremiumPaid,
    PolicyLapsed: schemas.PolicyLapsed,
  });

  it('encodes with the current schema version of the type', () => {
    expect(codec.encode({ type: 'PremiumPaid', data: CURRENT_PREMIUM_PAID })).toEqual({
      type: 'PremiumPaid',
      data: CURRENT_PREMIUM_PAID,
      schemaVersion: 3,
    });
    expect(codec.encode({ type: 'PolicyLapsed', data: { lapsedOn: '2024-05-01' } }).schemaVersion).toBe(1);
  });

  it('decodes stored old versions into the current event shape', () => {
    const decoded = codec.decode({ type: 'PremiumPaid', data: JSON.parse(FROZEN_PREMIUM_PAID_V1), schemaVersion: 1 });
    expect(decoded).toEqual({ type: 'PremiumPaid', data: CURRENT_PREMIUM_PAID });
  });

  it('encode → decode is the identity for current events', () => {
    const event: PolicyEvent = { type: 'PolicyLapsed', data: { lapsedOn: '2024-05-01' } };
    expect(codec.decode(codec.encode(event))).toEqual(event);
  });

  it('refuses to encode a type without a schema', () => {
    const unknown = { type: 'PolicyUpdated', data: {} } as unknown as PolicyEvent;
    expect(() => codec.encode(unknown)).toThrow(UnknownEventTypeError);
  });
});
