import { Query } from '@nestjs/cqrs';
import type { JsonObject } from '@lib/event-sourcing';

/** One history entry (DESIGN 3): the event as stored, with its audit metadata. */
export interface HistoryEntry {
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly recordedAt: string | null;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface PolicyEventsPage {
  readonly policyId: string;
  readonly events: HistoryEntry[];
  /** Pass as fromRevision for the next page; null when this page reaches the end. */
  readonly nextFromRevision: number | null;
  /** The stream's latest revision when the page was read. */
  readonly revision: number;
}

export class GetPolicyEventsQuery extends Query<PolicyEventsPage> {
  constructor(
    readonly policyId: string,
    readonly fromRevision: number,
    readonly limit: number,
  ) {
    super();
  }
}
