/**
 * A CloudEvent from the feed back into the recorded event the read models project (the inverse of the relay's
 * mapping): `type` `<category>.<EventType>.v<N>` gives the stored type and `metadata.schemaVersion` (so the
 * projection upcasts old shapes), `time` gives `recordedAt`, and the correlation/causation and tracing extensions come
 * back.
 */
import { type JsonObject, type RecordedEvent } from '@lib/event-sourcing';
import { MalformedCloudEventError, parseCloudEventType, type PolicyServicingCloudEvent } from '@lib/kafka';

/** @throws MalformedCloudEventError when the type is not one of ours (parseCloudEvent already checked it). */
export function recordedEventOf(cloudEvent: PolicyServicingCloudEvent): RecordedEvent {
  const type = parseCloudEventType(cloudEvent.type);
  if (type === null) throw new MalformedCloudEventError(`type ${JSON.stringify(cloudEvent.type)} is not ours`);
  const metadata: JsonObject = {
    eventId: cloudEvent.id,
    recordedAt: cloudEvent.time,
    schemaVersion: type.schemaVersion,
  };
  if (cloudEvent.correlationid !== undefined) metadata.correlationId = cloudEvent.correlationid;
  if (cloudEvent.causationid !== undefined) metadata.causationId = cloudEvent.causationid;
  if (cloudEvent.traceparent !== undefined) metadata.traceparent = cloudEvent.traceparent;
  return {
    streamId: cloudEvent.subject,
    revision: cloudEvent.streamrevision,
    position: cloudEvent.position,
    eventId: cloudEvent.id,
    type: type.eventType,
    data: cloudEvent.data,
    metadata,
  };
}
