import { type RawRecordedEvent, type RecordedEvent } from '@lib/event-sourcing';
import {
  MalformedCloudEventError,
  CloudEventMappingError,
  cloudEventJson,
  UnknownStreamCategoryError,
  parseCloudEvent,
  parseCloudEventType,
  serializeCloudEvent,
  toCloudEvent,
  topicFor,
  type PolicyServicingCloudEvent,
} from './cloud-events';

function recorded(overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    streamId: 'policy-P2024-0001',
    revision: 3,
    position: '00000000000000000042',
    eventId: '6f1c2a36-0d8e-4e5b-9d57-3a2f1f0b7c11',
    type: 'PremiumPaid',
    data: { installmentNo: 2, amount: { amount: 125000, currency: 'CNY' }, paidOn: '2024-03-01' },
    metadata: {
      eventId: '6f1c2a36-0d8e-4e5b-9d57-3a2f1f0b7c11',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actor: { id: 'desk-7', roles: ['servicing'] },
      channel: 'REST',
      recordedAt: '2024-03-01T08:15:30.123Z',
      schemaVersion: 2,
    },
    ...overrides,
  };
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function traced(traceparent: unknown = TRACEPARENT): RecordedEvent {
  return recorded({ metadata: { ...recorded().metadata, traceparent } as RecordedEvent['metadata'] });
}

function valueOf(event: object): Buffer {
  return Buffer.from(JSON.stringify(event));
}

const wellFormed: PolicyServicingCloudEvent = toCloudEvent(recorded());

function withAttribute(attribute: string, value: unknown): Buffer {
  return valueOf({ ...wellFormed, [attribute]: value });
}

function withoutAttribute(attribute: string): Buffer {
  const copy: Record<string, unknown> = { ...wellFormed };
  delete copy[attribute];
  return valueOf(copy);
}

function malformedReason(value: Buffer | null): string {
  try {
    parseCloudEvent(value);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedCloudEventError);
    return (error as MalformedCloudEventError).reason;
  }
  throw new Error('expected a MalformedCloudEventError');
}

describe('toCloudEvent', () => {
  it('maps a recorded policy event to a CloudEvents 1.0 structured event with our extensions', () => {
    expect(toCloudEvent(recorded(), { source: '/policy-servicing/test' })).toEqual({
      specversion: '1.0',
      id: '6f1c2a36-0d8e-4e5b-9d57-3a2f1f0b7c11',
      source: '/policy-servicing/test',
      type: 'policy.PremiumPaid.v2',
      subject: 'policy-P2024-0001',
      time: '2024-03-01T08:15:30.123Z',
      datacontenttype: 'application/json',
      data: { installmentNo: 2, amount: { amount: 125000, currency: 'CNY' }, paidOn: '2024-03-01' },
      streamrevision: 3,
      position: '00000000000000000042',
      correlationid: 'corr-1',
      causationid: 'cause-1',
    });
  });

  it('names agent events agent.<Type>.v<n> and defaults the source', () => {
    const event = toCloudEvent(recorded({ streamId: 'agent-A-17', type: 'AgentRegistered' }));
    expect(event.type).toBe('agent.AgentRegistered.v2');
    expect(event.source).toBe('/policy-servicing');
  });

  it('takes schema version 1 when the metadata has none (events written by other tools)', () => {
    const event = recorded();
    const { schemaVersion: _schemaVersion, ...metadata } = event.metadata;
    expect(toCloudEvent({ ...event, metadata }).type).toBe('policy.PremiumPaid.v1');
  });

  it('leaves out correlation and causation ids the metadata does not have', () => {
    const metadata = { recordedAt: '2024-03-01T08:15:30.123Z', schemaVersion: 1 };
    const event = toCloudEvent(recorded({ metadata }));
    expect(event).not.toHaveProperty('correlationid');
    expect(event).not.toHaveProperty('causationid');
  });

  it("carries the metadata's traceparent as the Distributed Tracing extension attribute", () => {
    expect(toCloudEvent(traced()).traceparent).toBe(TRACEPARENT);
    expect(toCloudEvent(recorded())).not.toHaveProperty('traceparent');
  });

  it.each([
    ['not W3C', 'trace-1'],
    ['upper-case hex', TRACEPARENT.toUpperCase()],
    ['not a string', 42],
  ])('leaves out a traceparent that is %s: tracing never stops an event', (_case, traceparent) => {
    expect(toCloudEvent(traced(traceparent))).not.toHaveProperty('traceparent');
  });

  it('refuses an event without recordedAt rather than inventing a time', () => {
    const metadata = { ...recorded().metadata, recordedAt: null };
    expect(() => toCloudEvent(recorded({ metadata }))).toThrow(CloudEventMappingError);
  });

  it('refuses streams outside the published categories', () => {
    expect(() => toCloudEvent(recorded({ streamId: 'scheduler-2024-03-01' }))).toThrow(UnknownStreamCategoryError);
  });

  it('round-trips through serializeCloudEvent and parseCloudEvent', () => {
    expect(parseCloudEvent(serializeCloudEvent(wellFormed))).toEqual(wellFormed);
  });
});

describe('cloudEventJson', () => {
  /** The raw form the SQLite store's raw reads hand over: `data` as the stored JSON.stringify text. */
  function raw(event: RecordedEvent): RawRecordedEvent {
    const { data, ...rest } = event;
    return { ...rest, dataJson: JSON.stringify(data) };
  }

  const tricky = recorded({
    streamId: 'policy-P-"引号"\\-1',
    data: { note: 'line\nbreak "quoted" \u2028 ✓ 😀', nested: { list: [1, 2.5, -3e-7, null, true] } },
    metadata: { ...recorded().metadata, correlationId: 'corr "α"', causationId: 7 },
  });

  it.each([
    ['a full event', recorded()],
    ['an event without correlation and causation ids', recorded({ metadata: { recordedAt: '2024-03-01T08:15:30Z' } })],
    ['an agent event', recorded({ streamId: 'agent-A-17', type: 'AgentRegistered' })],
    ['strings that need escaping', tricky],
    ['an event with a traceparent', traced()],
  ])('is exactly JSON.stringify(toCloudEvent(…)) for %s, parsed or raw', (_case, event) => {
    const expected = JSON.stringify(toCloudEvent(event, { source: '/policy-servicing/test' }));
    expect(cloudEventJson(event, { source: '/policy-servicing/test' })).toBe(expected);
    expect(cloudEventJson(raw(event), { source: '/policy-servicing/test' })).toBe(expected);
    expect(parseCloudEvent(cloudEventJson(raw(event)))).toEqual(toCloudEvent(event));
  });

  it('refuses what toCloudEvent refuses', () => {
    const metadata = { ...recorded().metadata, recordedAt: 'yesterday' };
    expect(() => cloudEventJson(raw(recorded({ metadata })))).toThrow(CloudEventMappingError);
    expect(() => cloudEventJson(raw(recorded({ streamId: 'customer-C1' })))).toThrow(UnknownStreamCategoryError);
    expect(() => cloudEventJson(raw(recorded({ type: 'Policy.Issued' })))).toThrow(CloudEventMappingError);
  });
});

describe('topicFor', () => {
  it('sends policy, agent and product streams to policy.events.v1, agent.events.v1 and product.events.v1', () => {
    expect(topicFor('policy-P2024-0001')).toBe('policy.events.v1');
    expect(topicFor('agent-A-17')).toBe('agent.events.v1');
    expect(topicFor('product-CN-ENDOW-20')).toBe('product.events.v1');
  });

  it('uses the configured topic names', () => {
    expect(topicFor('agent-A-17', { policy: 'p.test', agent: 'a.test', product: 'r.test' })).toBe('a.test');
    expect(topicFor('product-US-WL-1', { policy: 'p.test', agent: 'a.test', product: 'r.test' })).toBe('r.test');
  });

  it.each(['customer-C1', 'policy', 'policy-', 'policyP1', 'Policy-P1', '$all', ''])(
    'throws for stream id %p, which has no published category',
    (streamId) => {
      expect(() => topicFor(streamId)).toThrow(UnknownStreamCategoryError);
    },
  );
});

describe('parseCloudEventType', () => {
  it('splits category, stored event type and schema version', () => {
    expect(parseCloudEventType('policy.PolicyIssued.v1')).toEqual({
      category: 'policy',
      eventType: 'PolicyIssued',
      schemaVersion: 1,
    });
    expect(parseCloudEventType('agent.AgentRegistered.v12')?.schemaVersion).toBe(12);
  });

  it.each(['PolicyIssued', 'policy.PolicyIssued', 'policy.PolicyIssued.v0', 'claims.ClaimFiled.v1', 'policy..v1'])(
    'returns null for %p',
    (type) => {
      expect(parseCloudEventType(type)).toBeNull();
    },
  );
});

describe('parseCloudEvent', () => {
  it('accepts a JSON string as well as bytes', () => {
    expect(parseCloudEvent(JSON.stringify(wellFormed))).toEqual(wellFormed);
  });

  it('drops attributes it does not know', () => {
    expect(parseCloudEvent(withAttribute('tracestate', 'vendor=1'))).toEqual(wellFormed);
  });

  it('reads the traceparent attribute, and passes over one that is not W3C instead of dead-lettering the event', () => {
    expect(parseCloudEvent(withAttribute('traceparent', TRACEPARENT))).toEqual({
      ...wellFormed,
      traceparent: TRACEPARENT,
    });
    expect(parseCloudEvent(withAttribute('traceparent', '00-abc-def-01'))).toEqual(wellFormed);
    expect(parseCloudEvent(withAttribute('traceparent', 7))).toEqual(wellFormed);
  });

  it.each<[string, Buffer | null, string]>([
    ['a tombstone (null value)', null, 'empty message value'],
    ['an empty value', Buffer.alloc(0), 'empty message value'],
    ['text that is not JSON', Buffer.from('PolicyIssued P-1'), 'not JSON'],
    ['a JSON array', Buffer.from('[1,2]'), 'not a JSON object'],
    ['another specversion', withAttribute('specversion', '0.3'), 'specversion'],
    ['no id', withoutAttribute('id'), 'id is not'],
    ['an empty source', withAttribute('source', ''), 'source is not'],
    ['a foreign type', withAttribute('type', 'com.example.thing'), 'type "com.example.thing"'],
    ['a subject of another category', withAttribute('subject', 'agent-A-1'), 'subject'],
    ['a time without a zone', withAttribute('time', '2024-03-01T08:15:30'), 'time is not'],
    ['an impossible time', withAttribute('time', '2024-02-31T25:00:00Z'), 'time is not'],
    ['another datacontenttype', withAttribute('datacontenttype', 'text/plain'), 'datacontenttype'],
    ['data that is not an object', withAttribute('data', 'x'), 'data is not'],
    ['no data', withoutAttribute('data'), 'data is not'],
    ['a negative streamrevision', withAttribute('streamrevision', -1), 'streamrevision'],
    ['a fractional streamrevision', withAttribute('streamrevision', 1.5), 'streamrevision'],
    ['a streamrevision as string', withAttribute('streamrevision', '3'), 'streamrevision'],
    ['no position', withoutAttribute('position'), 'position is not'],
    ['a numeric correlationid', withAttribute('correlationid', 7), 'correlationid'],
  ])('rejects %s with a MalformedCloudEventError', (_case, value, reason) => {
    expect(malformedReason(value)).toContain(reason);
  });
});
