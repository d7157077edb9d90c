/**
 * The pure core of `applyBatch`, shared by both stores: decode the events, skip the ones a stream already applied
 * (revision ≤ its last applied revision: a redelivery), fold the rest onto each stream's state and merge their row
 * changes. The store then writes the changes, the streams' new revisions and the checkpoint in one transaction.
 */
import { comparePositions, type Position, type RecordedEvent } from '@lib/event-sourcing';
import { initialAgentState, initialPolicyState } from '@lib/policy-domain';
import { projectAgentEvent } from './agent-projection';
import { projectPolicyEvent } from './policy-projection';
import { projectProductEvent } from './product-projection';
import { decodeForProjection, ProjectionError, recordedAtOf, type ProjectionEvent } from './projection-event';
import { ChangeSet } from './row-changes';
import { PRODUCT_STREAM_STATE, type ProjectedState, type StreamProgress } from './stream-progress';

export type { StreamProgress } from './stream-progress';

/** An event of a projected stream that could not be decoded: projecting it fails, unless its stream is quarantined. */
interface UndecodableEvent {
  readonly category: 'undecodable';
  readonly streamId: string;
  readonly revision: number;
  readonly position: Position;
  readonly recordedAt: string | null;
  readonly error: ProjectionError;
}

export interface DecodedBatch {
  /** Events of projected streams (policy, agent, product), in delivery order. */
  readonly events: readonly (ProjectionEvent | UndecodableEvent)[];
  /** Events of other streams: nothing to project, but they count for the checkpoint. */
  readonly ignored: readonly RecordedEvent[];
  /** The projected streams of the batch, each once (what the store loads progress for). */
  readonly streamIds: readonly string[];
}

export interface CheckpointAdvance {
  readonly position: Position;
  readonly recordedAt: string | null;
}

export interface BatchProjection {
  readonly changes: ChangeSet;
  /** The streams this batch advanced, with their new last revision and state. */
  readonly advanced: ReadonlyMap<string, StreamProgress>;
  readonly applied: number;
  /** Redelivered events (revision ≤ the stream's last applied revision): no effect. */
  readonly skipped: number;
  readonly ignored: number;
  /** Events of quarantined streams: passed over. */
  readonly quarantined: number;
  /** Quarantined streams whose quarantined revision applied after all (e.g. the real event after a forged one). */
  readonly released: readonly string[];
  /** The greatest position among the applied, ignored and quarantined events; null when the batch changed nothing. */
  readonly checkpoint: CheckpointAdvance | null;
}

/** Decodes a batch; an event of a projected stream that cannot be decoded fails only when it is projected. */
export function decodeBatch(recorded: readonly RecordedEvent[]): DecodedBatch {
  const events: (ProjectionEvent | UndecodableEvent)[] = [];
  const ignored: RecordedEvent[] = [];
  const streamIds = new Set<string>();
  for (const event of recorded) {
    let decoded: ProjectionEvent | UndecodableEvent | null;
    try {
      decoded = decodeForProjection(event);
    } catch (error) {
      if (!(error instanceof ProjectionError)) throw error;
      const { streamId, revision, position } = event;
      decoded = { category: 'undecodable', streamId, revision, position, recordedAt: recordedAtOf(event), error };
    }
    if (decoded === null) {
      ignored.push(event);
    } else {
      events.push(decoded);
      streamIds.add(decoded.streamId);
    }
  }
  return { events, ignored, streamIds: [...streamIds] };
}

function initialState(event: ProjectionEvent): ProjectedState {
  switch (event.category) {
    case 'policy':
      return { category: 'policy', state: initialPolicyState() };
    case 'agent':
      return { category: 'agent', state: initialAgentState() };
    case 'product':
      return PRODUCT_STREAM_STATE;
    default: {
      const _exhaustive: never = event;
      throw new Error(`Unknown projection event ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/**
 * Projects a decoded batch given each stream's progress before it and the revision each quarantined stream is
 * quarantined at. A quarantined stream's events after that revision are passed over (counted, and the checkpoint
 * moves past them); its events up to that revision are projected as usual, and should the quarantined revision
 * itself apply (the stream's genuine event after a forged one, or the event again once the projector was fixed), the
 * stream is released and its later events of the batch apply too.
 * @throws ProjectionError when an event cannot be applied: a gap in a stream's revisions (an earlier event was never
 * applied), an event that does not fit the stream (e.g. before PolicyIssued), or a state of another category.
 */
export function projectBatch(
  batch: DecodedBatch,
  progressOf: (streamId: string) => StreamProgress | undefined,
  quarantinedRevisionOf: (streamId: string) => number | undefined = () => undefined,
): BatchProjection {
  const changes = new ChangeSet();
  const advanced = new Map<string, StreamProgress>();
  const released = new Set<string>();
  let applied = 0;
  let skipped = 0;
  let quarantined = 0;
  let checkpoint: CheckpointAdvance | null = null;
  const advanceCheckpoint = (position: Position, recordedAt: string | null) => {
    if (checkpoint === null || comparePositions(position, checkpoint.position) > 0)
      checkpoint = { position, recordedAt };
  };

  for (const event of batch.events) {
    const progress = advanced.get(event.streamId) ?? progressOf(event.streamId);
    const lastRevision = progress?.revision ?? -1;
    let quarantinedAt = released.has(event.streamId) ? undefined : quarantinedRevisionOf(event.streamId);
    if (quarantinedAt !== undefined && quarantinedAt <= lastRevision) {
      // Overtaken: the quarantined revision was applied after all (another instance applied it while this one
      // quarantined it). Nothing is held back any more.
      released.add(event.streamId);
      quarantinedAt = undefined;
    }
    if (quarantinedAt !== undefined && event.revision > quarantinedAt) {
      quarantined++;
      advanceCheckpoint(event.position, event.recordedAt);
      continue;
    }
    if (event.revision <= lastRevision) {
      skipped++;
      continue;
    }
    if (event.category === 'undecodable') throw event.error;
    const fail = (reason: string, cause?: unknown) =>
      new ProjectionError(event.streamId, event.revision, event.event.type, reason, { cause });
    if (event.revision !== lastRevision + 1) {
      throw fail(`revision ${lastRevision + 1} was never applied (the stream's events must arrive in order)`);
    }
    const folded = progress?.folded ?? initialState(event);
    let next: ProjectedState;
    try {
      if (event.category === 'policy') {
        if (folded.category !== 'policy') throw new Error(`the stream holds ${folded.category} state`);
        const projection = projectPolicyEvent(event, folded.state);
        changes.addAll(projection.changes);
        next = { category: 'policy', state: projection.state };
      } else if (event.category === 'agent') {
        if (folded.category !== 'agent') throw new Error(`the stream holds ${folded.category} state`);
        const projection = projectAgentEvent(event, folded.state);
        changes.addAll(projection.changes);
        next = { category: 'agent', state: projection.state };
      } else {
        if (folded.category !== 'product') throw new Error(`the stream holds ${folded.category} state`);
        changes.addAll(projectProductEvent(event));
        next = PRODUCT_STREAM_STATE;
      }
    } catch (error) {
      if (error instanceof ProjectionError) throw error;
      throw fail(error instanceof Error ? error.message : String(error), error);
    }
    advanced.set(event.streamId, { revision: event.revision, folded: next });
    applied++;
    advanceCheckpoint(event.position, event.recordedAt);
    if (quarantinedAt === event.revision) released.add(event.streamId);
  }
  for (const event of batch.ignored) advanceCheckpoint(event.position, recordedAtOf(event));
  return {
    changes,
    advanced,
    applied,
    skipped,
    ignored: batch.ignored.length,
    quarantined,
    released: [...released],
    checkpoint,
  };
}
