/**
 * Recorded events ⇄ CloudEvents 1.0 structured JSON, the value format of the projection feed (DESIGN 5).
 * Pure: no kafkajs here, so the mapping is tested without a broker.
 */
import {
  readEventMetadata,
  type JsonObject,
  type Position,
  type RawRecordedEvent,
  type RecordedEvent,
} from '@lib/event-sourcing';

/** Stream categories published to Kafka, from stream ids `<category>-<id>`, and their topics. */
export const STREAM_CATEGORIES = ['policy', 'agent', 'product'] as const;
type StreamCategory = (typeof STREAM_CATEGORIES)[number];
export type TopicNames = Readonly<Record<StreamCategory, string>>;

export const DEFAULT_TOPICS: TopicNames = {
  policy: 'policy.events.v1',
  agent: 'agent.events.v1',
  product: 'product.events.v1',
};

/** `source` of every event this backend publishes. */
const DEFAULT_CLOUD_EVENT_SOURCE = '/policy-servicing';

/** Content type of the Kafka message in the CloudEvents Kafka binding's structured mode. */
export const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** What the publisher takes: a recorded event with parsed `data` (any store) or with its stored JSON text. */
export type PublishableEvent = RecordedEvent | RawRecordedEvent;

export interface PolicyServicingCloudEvent {
  readonly specversion: '1.0';
  /** The event id (stored eventId): consumers deduplicate on it or on subject + streamrevision. */
  readonly id: string;
  readonly source: string;
  /** `<category>.<EventType>.v<schemaVersion>`, e.g. `policy.PolicyIssued.v1`. */
  readonly type: string;
  /** The stream id, which is also the Kafka message key. */
  readonly subject: string;
  /** recordedAt: when the event store recorded the event (ISO-8601 UTC). */
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: JsonObject;
  /** 0-based revision of the event within its stream. */
  readonly streamrevision: number;
  /** The event's position in the store-wide log (opaque, ordered). */
  readonly position: Position;
  readonly correlationid?: string;
  readonly causationid?: string;
  /**
   * The Distributed Tracing extension: the W3C trace context of the request that caused the event (its metadata's
   * `traceparent`), so the consumer's span joins that trace. In this structured mode it is an attribute of the JSON
   * value like every other (the binding's `ce_traceparent` header is binary mode's).
   */
  readonly traceparent?: string;
}

export class UnknownStreamCategoryError extends Error {
  override readonly name = 'UnknownStreamCategoryError';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} is not in a published category (${STREAM_CATEGORIES.join(', ')})`);
  }
}

/** A stored event that cannot be published faithfully (a bug upstream, never a reason to invent values). */
export class CloudEventMappingError extends Error {
  override readonly name = 'CloudEventMappingError';
  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super(`Event ${eventId} cannot be mapped to a CloudEvent: ${reason}`);
  }
}

/** A Kafka message value that is not one of our CloudEvents: the consumer sends it to the dead-letter topic. */
export class MalformedCloudEventError extends Error {
  override readonly name = 'MalformedCloudEventError';
  constructor(readonly reason: string) {
    super(`Malformed CloudEvent: ${reason}`);
  }
}

function streamCategoryOf(streamId: string): StreamCategory {
  const known = STREAM_CATEGORIES.find(
    (category) => streamId.startsWith(`${category}-`) && streamId.length > category.length + 1,
  );
  if (known === undefined) throw new UnknownStreamCategoryError(streamId);
  return known;
}

/** The topic a stream's events are published to. @throws UnknownStreamCategoryError */
export function topicFor(streamId: string, topics: TopicNames = DEFAULT_TOPICS): string {
  return topics[streamCategoryOf(streamId)];
}

function cloudEventType(category: StreamCategory, eventType: string, schemaVersion: number): string {
  return `${category}.${eventType}.v${schemaVersion}`;
}

const CLOUD_EVENT_TYPE_PATTERN = /^([a-z]+)\.([A-Za-z][A-Za-z0-9]*)\.v([1-9][0-9]*)$/;

interface ParsedEventType {
  readonly category: StreamCategory;
  /** The stored event type, e.g. `PolicyIssued`. */
  readonly eventType: string;
  /** Schema version of `data`; the consumer upcasts from it. */
  readonly schemaVersion: number;
}

/** Splits a CloudEvent `type` back into category, stored type and schema version; null if it is not ours. */
export function parseCloudEventType(type: string): ParsedEventType | null {
  const match = CLOUD_EVENT_TYPE_PATTERN.exec(type);
  if (!match) return null;
  const category = STREAM_CATEGORIES.find((candidate) => candidate === match[1]);
  if (category === undefined) return null;
  return { category, eventType: match[2], schemaVersion: Number(match[3]) };
}

interface CloudEventOptions {
  /** CloudEvents `source`; default `/policy-servicing`. */
  readonly source?: string;
}

/**
 * The CloudEvent published for a recorded event.
 * @throws UnknownStreamCategoryError for streams outside the published categories
 * @throws CloudEventMappingError when the metadata lacks recordedAt or the type is not a plain identifier
 */
export function toCloudEvent(recorded: RecordedEvent, options: CloudEventOptions = {}): PolicyServicingCloudEvent {
  const { type, time, correlationid, causationid, traceparent } = cloudEventAttributes(recorded);
  return {
    specversion: '1.0',
    id: recorded.eventId,
    source: options.source ?? DEFAULT_CLOUD_EVENT_SOURCE,
    type,
    subject: recorded.streamId,
    time,
    datacontenttype: 'application/json',
    data: recorded.data,
    streamrevision: recorded.revision,
    position: recorded.position,
    ...(correlationid !== undefined ? { correlationid } : {}),
    ...(causationid !== undefined ? { causationid } : {}),
    ...(traceparent !== undefined ? { traceparent } : {}),
  };
}

interface CloudEventAttributes {
  readonly type: string;
  readonly time: string;
  readonly correlationid: string | undefined;
  readonly causationid: string | undefined;
  readonly traceparent: string | undefined;
}

/**
 * A W3C traceparent of version 00 (lower-case hex; ids not all zero: checked by the tracing code that reads it).
 * Tracing never stops an event: anything else in the metadata, or in a consumed CloudEvent, is left out.
 */
const TRACEPARENT_PATTERN = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function traceparentOf(value: unknown): string | undefined {
  return typeof value === 'string' && TRACEPARENT_PATTERN.test(value) ? value : undefined;
}

/** The attributes taken from stream id and metadata, validated (shared by both serialisation paths). */
function cloudEventAttributes(recorded: PublishableEvent): CloudEventAttributes {
  const category = streamCategoryOf(recorded.streamId);
  const metadata = readEventMetadata(recorded.metadata);
  if (typeof metadata.recordedAt !== 'string' || !isInstant(metadata.recordedAt)) {
    throw new CloudEventMappingError(recorded.eventId, 'metadata.recordedAt is not an ISO-8601 instant');
  }
  const type = cloudEventType(category, recorded.type, metadata.schemaVersion);
  if (!CLOUD_EVENT_TYPE_PATTERN.test(type)) {
    throw new CloudEventMappingError(recorded.eventId, `type ${JSON.stringify(recorded.type)} is not an identifier`);
  }
  return {
    type,
    time: metadata.recordedAt,
    correlationid: typeof metadata.correlationId === 'string' ? metadata.correlationId : undefined,
    causationid: typeof metadata.causationId === 'string' ? metadata.causationId : undefined,
    traceparent: traceparentOf(metadata.traceparent),
  };
}

/**
 * The published CloudEvent's JSON text, without building the object first: exactly
 * `JSON.stringify(toCloudEvent(recorded, options))` (same attributes, same order), but a raw event's `data` goes in
 * as the stored text, so the relay neither parses nor re-serialises the (largest) part of each event.
 * @throws like toCloudEvent
 */
export function cloudEventJson(recorded: PublishableEvent, options: CloudEventOptions = {}): string {
  const { type, time, correlationid, causationid, traceparent } = cloudEventAttributes(recorded);
  const data = 'dataJson' in recorded ? recorded.dataJson : JSON.stringify(recorded.data);
  const source = options.source ?? DEFAULT_CLOUD_EVENT_SOURCE;
  return (
    `{"specversion":"1.0","id":${JSON.stringify(recorded.eventId)},"source":${JSON.stringify(source)}` +
    `,"type":${JSON.stringify(type)},"subject":${JSON.stringify(recorded.streamId)},"time":${JSON.stringify(time)}` +
    `,"datacontenttype":"application/json","data":${data}` +
    `,"streamrevision":${JSON.stringify(recorded.revision)},"position":${JSON.stringify(recorded.position)}` +
    (correlationid !== undefined ? `,"correlationid":${JSON.stringify(correlationid)}` : '') +
    (causationid !== undefined ? `,"causationid":${JSON.stringify(causationid)}` : '') +
    (traceparent !== undefined ? `,"traceparent":"${traceparent}"` : '') +
    '}'
  );
}

export function serializeCloudEvent(event: PolicyServicingCloudEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/**
 * Reads a Kafka message value back into a CloudEvent, checking every attribute we rely on.
 * @throws MalformedCloudEventError for anything else (the consumer dead-letters it at once; retrying cannot help)
 */
export function parseCloudEvent(value: Buffer | string | null | undefined): PolicyServicingCloudEvent {
  if (value === null || value === undefined || value.length === 0) {
    throw new MalformedCloudEventError('empty message value');
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new MalformedCloudEventError(`not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(json)) throw new MalformedCloudEventError('not a JSON object');

  if (json.specversion !== '1.0') throw new MalformedCloudEventError('specversion is not "1.0"');
  const id = requireString(json, 'id');
  const source = requireString(json, 'source');
  const type = requireString(json, 'type');
  const subject = requireString(json, 'subject');
  const time = requireString(json, 'time');
  const position = requireString(json, 'position');

  const parsedType = parseCloudEventType(type);
  if (parsedType === null) {
    throw new MalformedCloudEventError(`type ${JSON.stringify(type)} is not <category>.<EventType>.v<version>`);
  }
  if (!subject.startsWith(`${parsedType.category}-`) || subject.length <= parsedType.category.length + 1) {
    throw new MalformedCloudEventError(`subject ${JSON.stringify(subject)} is not a ${parsedType.category} stream`);
  }
  if (!isInstant(time)) throw new MalformedCloudEventError('time is not an ISO-8601 instant');
  if (json.datacontenttype !== undefined && json.datacontenttype !== 'application/json') {
    throw new MalformedCloudEventError('datacontenttype is not application/json');
  }
  if (!isPlainObject(json.data)) throw new MalformedCloudEventError('data is not a JSON object');
  const revision = json.streamrevision;
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new MalformedCloudEventError('streamrevision is not a non-negative integer');
  }
  const correlationid = optionalString(json, 'correlationid');
  const causationid = optionalString(json, 'causationid');
  const traceparent = traceparentOf(json.traceparent);

  return {
    specversion: '1.0',
    id,
    source,
    type,
    subject,
    time,
    datacontenttype: 'application/json',
    data: json.data as JsonObject,
    streamrevision: revision,
    position,
    ...(correlationid !== undefined ? { correlationid } : {}),
    ...(causationid !== undefined ? { causationid } : {}),
    ...(traceparent !== undefined ? { traceparent } : {}),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(json: Record<string, unknown>, attribute: string): string {
  const value = json[attribute];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MalformedCloudEventError(`${attribute} is not a non-empty string`);
  }
  return value;
}

function optionalString(json: Record<string, unknown>, attribute: string): string | undefined {
  const value = json[attribute];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new MalformedCloudEventError(`${attribute} is not a non-empty string`);
  }
  return value;
}

// RFC 3339 date-time as CloudEvents requires for `time` (a timezone is mandatory).
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isInstant(value: string): boolean {
  return INSTANT_PATTERN.test(value) && !Number.isNaN(Date.parse(value));
}
