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
 * The process manager's own records: each plan is decided once from the read models' figures and kept in the event
 * store beside the facts it acts on. Neither policy nor agent streams, so projections ignore them.
 */
const ORPHAN_REASSIGNMENT_PLANNED = 'OrphanReassignmentPlanned';
const TRANSFERRED_ORPHAN_ASSIGNMENT_PLANNED = 'TransferredOrphanAssignmentPlanned';

interface AgentLoad {
  readonly agentId: string;
  readonly openReceivables: number;
}

/** The plan for the policies of one departed agent (AgentDeparted). */
export interface OrphanReassignmentPlan {
  readonly departedAgentId: string;
  readonly departedOn: BusinessDate;
  readonly strategy: Exclude<ReassignmentStrategy, 'MANUAL'>;
  /** Open receivables as of the departure date of every eligible agent considered (the base load). */
  readonly openReceivables: readonly AgentLoad[];
  /** In policyId order; toAgentId null: no eligible agent, the policy stays orphaned. */
  readonly assignments: readonly OrphanAssignment[];
}

/** The plan for one policy transferred without a target agent (PolicyTransferred, toAgentId null; BALANCED). */
export interface TransferredOrphanPlan {
  readonly policyId: string;
  /** The revision of the PolicyTransferred event in the policy stream (a policy may be transferred again). */
  readonly transferRevision: number;
  /** The transfer's effective date: the date loads and eligibility are judged on, and the reassignment's date. */
  readonly transferredOn: BusinessDate;
  readonly branchCode: string;
  /** Open receivables as of the transfer's effective date of every eligible agent of the branch. */
  readonly openReceivables: readonly AgentLoad[];
  /** Null: no eligible agent in the branch, the policy stays orphaned. */
  readonly toAgentId: string | null;
}

type PlanMetadata = Omit<Parameters<typeof toJsonMetadata>[0], 'schemaVersion' | 'eventId'>;

/** The stream of a departure's plan (lower-case category: agent ids are upper-case, so nothing collides). */
function orphanReassignmentStreamId(departedAgentId: string): string {
  return `orphanreassignment-${departedAgentId}`;
}

/** The stream of a transfer's plan: policy id and the transfer's revision (lower-case category, as above). */
function transferredOrphanStreamId(policyId: string, transferRevision: number): string {
  return `orphantransfer-${policyId}-${transferRevision}`;
}

async function readRecorded<Plan>(store: EventStore, streamId: string): Promise<Plan | null> {
  try {
    const [planned] = await store.readStream(streamId, { maxCount: 1 });
    return planned.data as unknown as Plan;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
}

/**
 * Records the plan unless one exists, and returns the plan in force: with two process managers racing, the first
 * append wins (expected revision `no_stream`) and the other adopts its plan, so both send the same commands.
 */
async function recordOnce<Plan extends object>(
  store: EventStore,
  streamId: string,
  type: string,
  plan: Plan,
  metadata: PlanMetadata,
  eventId: string,
): Promise<Plan> {
  const event: NewEvent = {
    eventId,
    type,
    data: plan as unknown as JsonObject,
    metadata: toJsonMetadata({ ...metadata, eventId, schemaVersion: 1 }),
  };
  try {
    await store.append(streamId, [event], 'no_stream');
    return plan;
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    const recorded = await readRecorded<Plan>(store, streamId);
    if (recorded === null) throw error;
    return recorded;
  }
}

export function readPlan(store: EventStore, departedAgentId: string): Promise<OrphanReassignmentPlan | null> {
  return readRecorded(store, orphanReassignmentStreamId(departedAgentId));
}

export function recordPlan(
  store: EventStore,
  plan: OrphanReassignmentPlan,
  metadata: PlanMetadata,
  eventId: string,
): Promise<OrphanReassignmentPlan> {
  const streamId = orphanReassignmentStreamId(plan.departedAgentId);
  return recordOnce(store, streamId, ORPHAN_REASSIGNMENT_PLANNED, plan, metadata, eventId);
}

export function readTransferPlan(
  store: EventStore,
  policyId: string,
  transferRevision: number,
): Promise<TransferredOrphanPlan | null> {
  return readRecorded(store, transferredOrphanStreamId(policyId, transferRevision));
}

export function recordTransferPlan(
  store: EventStore,
  plan: TransferredOrphanPlan,
  metadata: PlanMetadata,
  eventId: string,
): Promise<TransferredOrphanPlan> {
  const streamId = transferredOrphanStreamId(plan.policyId, plan.transferRevision);
  return recordOnce(store, streamId, TRANSFERRED_ORPHAN_ASSIGNMENT_PLANNED, plan, metadata, eventId);
}
