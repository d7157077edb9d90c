import { Metadata, status } from '@grpc/grpc-js';
import {
  ANY,
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NO_STREAM,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  binaryEvent,
  jsonEvent,
  convertToCommandError,
  type EventData,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import {
  ConcurrencyError,
  StreamNotFoundError,
  comparePositions,
  readEventMetadata,
  toJsonMetadata,
  type NewEvent,
} from '@lib/event-sourcing';
import {
  decodePosition,
  describeEsdbError,
  encodePosition,
  foreignShapeOf,
  fromEsdbEvent,
  isOwnEvent,
  originOf,
  isTransientError,
  mapAppendError,
  mapReadStreamError,
  toEsdbExpectedRevision,
  toEsdbRevision,
  toEventData,
  toRevisionNumber,
} from './esdb-mapping';

const UINT64_MAX = 2n ** 64n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** What the client hands back for an event the server stored from `data` (JSON bodies round-trip as JSON). */
function storedAs(
  data: EventData,
  at: { streamId: string; revision: bigint; position?: { commit: bigint; prepare: bigint } },
): EsdbRecordedEvent {
  const json = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  return {
    streamId: at.streamId,
    id: data.id,
    isJson: data.contentType === 'application/json',
    revision: at.revision,
    type: data.type,
    created: new Date(0),
    data: data.contentType === 'application/json' ? json(data.data) : data.data,
    metadata: json(data.metadata),
    position: at.position,
  } as EsdbRecordedEvent;
}

const policyIssued: NewEvent = {
  eventId: '0b6f1f9e-6a4c-4a53-9d59-2a6a4f1d2c11',
  type: 'PolicyIssued',
  data: { policyId: 'P-1001', sumAssured: { amount: 50_000_000, currency: 'CNY' }, effectiveDate: '2024-03-31' },
  metadata: toJsonMetadata({
    eventId: '0b6f1f9e-6a4c-4a53-9d59-2a6a4f1d2c11',
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    actor: { id: 'clerk-7', roles: ['clerk'] },
    channel: 'REST',
    idempotencyKey: 'key-1',
    recordedAt: '2024-03-31T08:00:00.000Z',
    schemaVersion: 1,
  }),
};

describe('positions', () => {
  it('encode as fixed-width strings and decode back exactly, up to the uint64 maximum', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 1234n, prepare: 1200n },
      { commit: MAX_SAFE + 10n, prepare: MAX_SAFE + 3n },
      { commit: UINT64_MAX, prepare: UINT64_MAX },
    ]) {
      const encoded = encodePosition(position);
      expect(encoded).toMatch(/^\d{20}-\d{20}$/);
      expect(decodePosition(encoded)).toEqual(position);
    }
  });

  it('order under plain string comparison as EventStoreDB orders them (commit, then prepare)', () => {
    const ascending = [
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 2n },
      { commit: 10n, prepare: 10n },
      { commit: 100n, prepare: 0n },
      { commit: MAX_SAFE + 1n, prepare: 5n },
      { commit: UINT64_MAX, prepare: 0n },
    ].map(encodePosition);
    const shuffled = [ascending[3], ascending[0], ascending[5], ascending[2], ascending[4], ascending[1]];
    expect([...shuffled].sort(comparePositions)).toEqual(ascending);
  });

  it.each(['', '12-34', '00000000000000000001-0000000000000000000x', '18446744073709551616-00000000000000000000'])(
    'reject %j, which no EventStoreDB position encodes to',
    (malformed) => {
      expect(() => decodePosition(malformed)).toThrow(RangeError);
    },
  );

  it('refuse to encode a part outside uint64', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: UINT64_MAX + 1n })).toThrow(RangeError);
  });
});

describe('revisions', () => {
  it('convert bigint revisions up to Number.MAX_SAFE_INTEGER exactly, and refuse larger ones', () => {
    expect(toRevisionNumber(0n)).toBe(0);
    expect(toRevisionNumber(MAX_SAFE)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toRevisionNumber(MAX_SAFE + 1n)).toThrow(RangeError);
  });

  it('send only non-negative integer revisions', () => {
    expect(toEsdbRevision(Number.MAX_SAFE_INTEGER)).toBe(MAX_SAFE);
    for (const invalid of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => toEsdbRevision(invalid)).toThrow(RangeError);
    }
  });

  it("map the port's expected revisions to the client's", () => {
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision(0)).toBe(0n);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
  });
});

describe('events', () => {
  it('go on the wire as JSON with our event id and the plain type (schema version stays in metadata)', () => {
    const data = toEventData(policyIssued);
    expect(data).toMatchObject({
      id: policyIssued.eventId,
      contentType: 'application/json',
      type: 'PolicyIssued',
      data: policyIssued.data,
    });
    expect(data.metadata).toMatchObject({ schemaVersion: 1 });
  });

  it("carry $correlationId/$causationId copies for EventStoreDB's tooling without changing the caller's metadata", () => {
    const before = structuredClone(policyIssued.metadata);
    expect(toEventData(policyIssued).metadata).toEqual({
      ...policyIssued.metadata,
      $correlationId: 'corr-1',
      $causationId: 'cmd-1',
    });
    expect(policyIssued.metadata).toEqual(before);
  });

  it('read back exactly as appended, with stream, revision and position, and the same schema version for upcasters', () => {
    const position = { commit: MAX_SAFE + 7n, prepare: MAX_SAFE + 5n };
    const recorded = fromEsdbEvent(
      storedAs(toEventData(policyIssued), { streamId: 'policy-P-1001', revision: 3n, position }),
    );
    expect(recorded).toEqual({
      ...policyIssued,
      streamId: 'policy-P-1001',
      revision: 3,
      position: encodePosition(position),
    });
    expect(readEventMetadata(recorded.metadata).schemaVersion).toBe(1);
  });

  it('round-trip metadata without correlation fields, and keep a $correlationId another tool set differently', () => {
    const plain = { ...policyIssued, metadata: { source: 'import' } };
    const foreign = { ...policyIssued, metadata: { correlationId: 'ours', $correlationId: 'theirs' } };
    for (const event of [plain, foreign]) {
      const stored = storedAs(toEventData(event), {
        streamId: 's-1',
        revision: 0n,
        position: { commit: 1n, prepare: 1n },
      });
      expect(fromEsdbEvent(stored).metadata).toEqual(event.metadata);
    }
  });

  it('read events written by other tools without metadata as having empty metadata', () => {
    const stored = storedAs(
      { ...toEventData(policyIssued), metadata: undefined },
      {
        streamId: 's-1',
        revision: 0n,
        position: { commit: 1n, prepare: 1n },
      },
    );
    expect(fromEsdbEvent(stored).metadata).toEqual({});
  });

  it('refuse a revision beyond Number.MAX_SAFE_INTEGER rather than round it', () => {
    const stored = storedAs(toEventData(policyIssued), {
      streamId: 's-1',
      revision: MAX_SAFE + 1n,
      position: { commit: 1n, prepare: 1n },
    });
    expect(() => fromEsdbEvent(stored)).toThrow(RangeError);
  });

  it('refuse events not of our shape as unreadable (naming stream and revision), and events read without a known position', () => {
    const binary = storedAs(binaryEvent({ type: 'Blob', data: new Uint8Array([1, 2]) }), {
      streamId: 's-1',
      revision: 0n,
      position: { commit: 1n, prepare: 1n },
    });
    expect(() => fromEsdbEvent(binary)).toThrow(
      expect.objectContaining({ name: 'UnreadableEventError', streamId: 's-1', revision: 0, type: 'Blob' }),
    );
    const positionless = storedAs(toEventData(policyIssued), { streamId: 's-1', revision: 0n });
    expect(() => fromEsdbEvent(positionless)).toThrow(TypeError);
    // The server's "no position" (-1) as the client decodes it.
    const unknown = { commit: UINT64_MAX, prepare: UINT64_MAX };
    const unknownPosition = storedAs(toEventData(policyIssued), { streamId: 's-1', revision: 0n, position: unknown });
    expect(() => fromEsdbEvent(unknownPosition)).toThrow(TypeError);
  });

  it('tell our shape (JSON object data, metadata absent or an object) from what other applications write', () => {
    const at = { streamId: 'orders-1', revision: 0n, position: { commit: 1n, prepare: 1n } };
    const stored = (data: EventData) => storedAs(data, at);
    // The client passes malformed JSON text on as a string.
    const malformed = {
      ...stored(jsonEvent({ type: 'Broken', data: {} })),
      data: '{"unterminated',
    } as EsdbRecordedEvent;

    expect(foreignShapeOf(stored(toEventData(policyIssued)))).toBeUndefined();
    expect(foreignShapeOf(stored({ ...toEventData(policyIssued), metadata: undefined }))).toBeUndefined();
    expect(
      [
        stored(jsonEvent({ type: 'Listed', data: [1, 2, 3] })),
        stored(jsonEvent({ type: 'Said', data: 'a string' })),
        malformed,
        stored(jsonEvent({ type: 'Tagged', data: { n: 1 }, metadata: ['tag'] })),
        stored(binaryEvent({ type: 'Blob', data: new Uint8Array([1]) })),
      ].map(foreignShapeOf),
    ).toEqual([
      'JSON data that is not an object',
      'JSON data that is not an object',
      'JSON data that is not an object',
      'metadata that is not a JSON object',
      'not JSON (content type application/octet-stream)',
    ]);
  });

  it('refuse event ids that are not UUIDs, which EventStoreDB cannot store', () => {
    expect(() => toEventData({ ...policyIssued, eventId: 'event-1' })).toThrow(TypeError);
  });

  it('count as ours only our shape outside system streams and types, within the configured prefixes', () => {
    const at = { revision: 0n, position: { commit: 1n, prepare: 1n } };
    const json = toEventData(policyIssued);
    const policy = storedAs(json, { ...at, streamId: 'policy-P-1001' });
    const agent = storedAs(json, { ...at, streamId: 'agent-A-7' });
    const metastream = storedAs({ ...json, type: '$metadata' }, { ...at, streamId: '$$policy-P-1001' });
    const tombstone = storedAs({ ...json, type: '$streamDeleted' }, { ...at, streamId: 'policy-P-1001' });
    const stats = storedAs(json, { ...at, streamId: '$stats-127.0.0.1:2113' });
    const binary = storedAs(binaryEvent({ type: 'Blob', data: new Uint8Array([1]) }), {
      ...at,
      streamId: 'policy-P-1',
    });
    const listed = storedAs(jsonEvent({ type: 'Listed', data: [1] }), { ...at, streamId: 'orders-1' });

    const events = [policy, agent, metastream, tombstone, stats, binary, listed];
    expect(events.map((event) => isOwnEvent(event))).toEqual([true, true, false, false, false, false, false]);
    expect(events.map((event) => originOf(event))).toEqual([
      'ours',
      'ours',
      'elsewhere',
      'elsewhere',
      'elsewhere',
      'foreign',
      'foreign',
    ]);
    expect(isOwnEvent(policy, ['policy-'])).toBe(true);
    expect(isOwnEvent(agent, ['policy-'])).toBe(false);
    // Outside the prefixes another application's events are none of our business: not even foreign.
    expect(originOf(listed, ['policy-'])).toBe('elsewhere');
  });
});

describe('errors', () => {
  it("map the client's WrongExpectedVersionError to ConcurrencyError with the actual revision", () => {
    const wrong = new WrongExpectedVersionError(undefined, { streamName: 'policy-P-1', expected: 2n, current: 5n });
    const mapped = mapAppendError('policy-P-1', 2, wrong);
    expect(mapped).toBeInstanceOf(ConcurrencyError);
    expect(mapped).toMatchObject({ streamId: 'policy-P-1', expected: 2, actual: 5 });
  });

  it("map a missing stream's WrongExpectedVersionError to actual 'no_stream'", () => {
    const wrong = new WrongExpectedVersionError(undefined, {
      streamName: 'policy-P-1',
      expected: 0n,
      current: NO_STREAM,
    });
    expect(mapAppendError('policy-P-1', 0, wrong)).toMatchObject({ expected: 0, actual: 'no_stream' });
  });

  it('map the wrong-expected-version a server reports in gRPC trailers (the non-batch append path)', () => {
    const metadata = new Metadata();
    metadata.set('exception', 'wrong-expected-version');
    metadata.set('stream-name', 'policy-P-1');
    metadata.set('expected-version', '-1');
    metadata.set('actual-version', '7');
    const serviceError = Object.assign(new Error('9 FAILED_PRECONDITION: Wrong expected version'), {
      code: status.FAILED_PRECONDITION,
      details: 'Wrong expected version',
      metadata,
    });
    expect(convertToCommandError(serviceError)).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapAppendError('policy-P-1', 'no_stream', serviceError)).toMatchObject({ expected: 'no_stream', actual: 7 });
  });

  it('pass other append errors through as the client classifies them', () => {
    const unavailable = new UnavailableError();
    expect(mapAppendError('s', 'any', unavailable)).toBe(unavailable);
    const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: status.UNAVAILABLE,
      details: 'No connection established',
      metadata: new Metadata(),
    });
    expect(mapAppendError('s', 'any', raw)).toBeInstanceOf(UnavailableError);
  });

  it("map a missing or deleted stream on read to the port's StreamNotFoundError", () => {
    for (const error of [
      new EsdbStreamNotFoundError(undefined, 'policy-P-1'),
      StreamDeletedError.fromStreamName('policy-P-1'),
    ]) {
      const mapped = mapReadStreamError('policy-P-1', error);
      expect(mapped).toBeInstanceOf(StreamNotFoundError);
      expect(mapped).toMatchObject({ streamId: 'policy-P-1' });
    }
    const denied = new AccessDeniedError();
    expect(mapReadStreamError('policy-P-1', denied)).toBe(denied);
  });

  it('count dropped connections, server cancellations and reset streams as transient', () => {
    for (const transient of [
      new UnavailableError(),
      new CancelledError(),
      new DeadlineExceededError(),
      serviceError(status.INTERNAL, 'Received RST_STREAM with code 2 (Internal server error)'),
      serviceError(status.RESOURCE_EXHAUSTED, 'Server is too busy'),
    ]) {
      expect(isTransientError(transient)).toBe(true);
    }
  });

  it('count what the server refuses as permanent, though the client calls it an UnknownError', () => {
    for (const permanent of [
      // A subscription from a position that is not an event boundary (after the confirmation)…
      serviceError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'),
      // …and a read from one.
      serviceError(status.UNKNOWN, 'Unexpected ReadAllResult: InvalidPosition'),
      serviceError(status.UNIMPLEMENTED, 'Method not found'),
      new AccessDeniedError(),
      new WrongExpectedVersionError(undefined, { streamName: 's', expected: ANY, current: 1n }),
      new TypeError('Event s@1 is not a JSON object event'),
      'not even an error',
    ]) {
      expect(isTransientError(permanent)).toBe(false);
    }
  });

  it('describe an error by its gRPC status and what the server said', () => {
    expect(describeEsdbError(serviceError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'))).toBe(
      'INVALID_ARGUMENT: Trying to read from an invalid position.',
    );
    expect(describeEsdbError(new TypeError('no position'))).toBe('no position');
  });
});

/** A gRPC error as grpc-js reports it, converted as the client converts it (codes it does not know: UnknownError). */
function serviceError(code: status, details: string): unknown {
  const raw = Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
  return convertToCommandError(raw);
}
