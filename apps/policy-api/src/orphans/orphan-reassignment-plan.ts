import {
  ConcurrencyError,
  StreamNotFoundError,
  toJsonMetadata,
  type EventStore,
  type JsonObject,
  type NewEvent,
} from '@lib/event-sourcing';
import type { BusinessDate, ReassignmentStrategy } from '@lib/policy-domain';
import type { OrphanAssignment } from './orphan-balancing';

/**
 * The process manager's own record of one departure: the plan decided once from the read models' figures, kept in
 * the event store beside the facts it acts on. Neither a policy nor an agent stream, so projections ignore it.
 */
export const ORPHAN_REASSIGNMENT_PLANNED = 'OrphanReassignmentPlanned';

export interface OrphanReassignmentPlan {
  readonly departedAgentId: string;
  readonly departedOn: BusinessDate;
  readonly strategy: Exclude<ReassignmentStrategy, 'MANUAL'>;
  /** Open receivables as of the departure date of every eligible agent considered (the base load). */
  readonly openReceivables: readonly { readonly agentId: string; readonly openReceivables: number }[];
  /** In policyId order; toAgentId null: no eligible agent, the policy stays orphaned. */
  readonly assignments: readonly OrphanAssignment[];
}

/** The one stream-name function of the plan (lower-case category: agent ids are upper-case, so nothing collides). */
export function orphanReassignmentStreamId(departedAgentId: string): string {
  return `orphanreassignment-${departedAgentId}`;
}

export async function readPlan(store: EventStore, departedAgentId: string): Promise<OrphanReassignmentPlan | null> {
  try {
    const [planned] = await store.readStream(orphanReassignmentStreamId(departedAgentId), { maxCount: 1 });
    return planned.data as unknown as OrphanReassignmentPlan;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
}

/**
 * Records the plan unless one exists, and returns the plan in force: with two process managers racing, the first
 * append wins (expected revision `no_stream`) and the other adopts its plan, so both send the same commands.
 */
export async function recordPlan(
  store: EventStore,
  plan: OrphanReassignmentPlan,
  metadata: Omit<Parameters<typeof toJsonMetadata>[0], 'schemaVersion' | 'eventId'>,
  eventId: string,
): Promise<OrphanReassignmentPlan> {
  const event: NewEvent = {
    eventId,
    type: ORPHAN_REASSIGNMENT_PLANNED,
    data: plan as unknown as JsonObject,
    metadata: toJsonMetadata({ ...metadata, eventId, schemaVersion: 1 }),
  };
  try {
    await store.append(orphanReassignmentStreamId(plan.departedAgentId), [event], 'no_stream');
    return plan;
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    const recorded = await readPlan(store, plan.departedAgentId);
    if (recorded === null) throw error;
    return recorded;
  }
}
