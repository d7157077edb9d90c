import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { readEventMetadata, StreamNotFoundError, type EventStore, type RecordedEvent } from '@lib/event-sourcing';
import { policyStreamId } from '@lib/policy-domain';
import { EVENT_STORE } from '../../event-store/tokens';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { GetPolicyEventsQuery, type HistoryEntry, type PolicyEventsPage } from './get-policy-events.query';

@QueryHandler(GetPolicyEventsQuery)
export class GetPolicyEventsHandler implements IQueryHandler<GetPolicyEventsQuery, PolicyEventsPage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ policyId, fromRevision, limit }: GetPolicyEventsQuery): Promise<PolicyEventsPage> {
    const streamId = policyStreamId(policyId);
    let page: RecordedEvent[];
    let last: RecordedEvent[];
    try {
      [page, last] = await Promise.all([
        this.store.readStream(streamId, { fromRevision, maxCount: limit + 1 }),
        this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 }),
      ]);
    } catch (error) {
      if (error instanceof StreamNotFoundError)
        throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.POLICY_NOT_FOUND, `Policy ${policyId} does not exist`);
      throw error;
    }
    const hasMore = page.length > limit;
    const events = page.slice(0, limit).map(toHistoryEntry);
    return {
      policyId,
      events,
      nextFromRevision: hasMore ? events[events.length - 1].revision + 1 : null,
      revision: last[0].revision,
    };
  }
}

function toHistoryEntry(event: RecordedEvent): HistoryEntry {
  const metadata = readEventMetadata(event.metadata);
  return {
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: metadata.schemaVersion,
    recordedAt: metadata.recordedAt ?? null,
    data: event.data,
    metadata: event.metadata,
  };
}
