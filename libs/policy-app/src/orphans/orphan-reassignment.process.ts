import {
  decodeRecordedEvent,
  isPermanentSubscriptionError,
  loadAggregate,
  readEventMetadata,
  StreamNotFoundError,
  subscribeFromCheckpoint,
  toJsonMetadata,
  type Actor,
  type AllSubscription,
  type Clock,
  type EventStore,
  type IdGenerator,
  type Position,
  type RecordedEvent,
  UnreadableEventError,
} from '@lib/event-sourcing';
import {
  agentEventCodec,
  agentIdFromStreamId,
  isClosed,
  isIssued,
  policyAggregate,
  policyEventCodec,
  policyIdFromStreamId,
  policyStreamId,
  type AgentDeparted,
  type BusinessDate,
  type IssuedPolicy,
  type PolicyTransferred,
} from '@lib/policy-domain';
import type { AgentWorkloadReportRow, ReadModelReader } from '@lib/read-models';
import type { Logger } from 'pino';
import type { RequestContext } from '../common/request-context';
import { runOperation, type OperationResult, type RunOperation } from '../operations/run-operation';
import { reassignOrphanPolicy } from '../policies/reassign-orphan-policy/reassign-orphan-policy.operation';
import type { ReadModelCatchUp } from '../scheduler/read-model-catch-up';
import { ruleRejectionCode } from '../scheduler/rule-rejection';
import { balanceOrphans } from './orphan-balancing';
import {
  readPlan,
  readTransferPlan,
  recordPlan,
  recordTransferPlan,
  type OrphanReassignmentPlan,
  type TransferredOrphanPlan,
} from './orphan-reassignment-plan';
import { openPoliciesOfAgent } from './policies-of-agent';

const ORPHAN_PROCESS_ACTOR: Actor = { id: 'system', roles: ['system'] };
/** The subscription checkpoint of the process manager (lower-case: no agent or policy stream can have this name). */
export const ORPHAN_REASSIGNMENT_CHECKPOINT_STREAM = 'checkpoint-orphanreassignment';
const CHECKPOINT_STORED = 'ProcessCheckpointStored';
/** Events read past the last stored checkpoint before it is stored again while nothing needs doing. */
const CHECKPOINT_EVERY = 5_000;
/** The only events the process acts on (departureOf, orphaningTransferOf): a subscription may deliver just these. */
const TRIGGER_EVENT_TYPES = ['AgentDeparted', 'PolicyTransferred'] as const;

function orphanReassignmentKey(departedAgentId: string, policyId: string): string {
  return `orphan:${departedAgentId}:${policyId}`;
}

/** The transfer's revision is part of the key: a policy transferred again is orphaned again. */
function transferredOrphanKey(policyId: string, transferRevision: number): string {
  return `orphan-transfer:${policyId}:${transferRevision}`;
}

export interface OrphanReassignmentDeps {
  readonly store: EventStore;
  /** Sends a command through the API's command bus. */
  readonly send: (command: RunOperation) => Promise<OperationResult>;
  /** The read-model store (opened lazily by the app's connection). */
  readonly readModels: () => Promise<ReadModelReader>;
  readonly catchUp: ReadModelCatchUp;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly catchUpTimeoutMs: number;
  /**
   * Subscribes to `$all` after the checkpoint; a subscription may pass over every event not of `eventTypes` (the
   * embedded projection's worker reads the log for it, so that this thread never parses the events it would skip).
   * Default: the store's subscription.
   */
  readonly subscribe?: (checkpoint: Position | null, eventTypes: readonly string[]) => AllSubscription;
  /** Pause before the subscription restarts from its checkpoint after a failure. Default 5 s. */
  readonly retryDelayMs?: number;
  /**
   * Told once, with the reason, when the process stops for good: the event store refuses its subscription (a
   * permanent SubscriptionError, e.g. a checkpoint that is not an event boundary), which no retry can mend.
   */
  readonly onFailed?: (reason: string) => void;
}

interface DepartureOutcome {
  readonly departedAgentId: string;
  readonly reassigned: number;
  readonly replayed: number;
  readonly skipped: number;
  /** Left orphaned: no eligible agent in the policy's branch (BALANCED) or region (REGION). */
  readonly unassigned: number;
}

interface TransferOutcome {
  readonly policyId: string;
  readonly transferRevision: number;
  /**
   * sent / replayed / skipped (a rule rejected it) as for the scheduler · unassigned: no eligible agent in the new
   * branch · not-orphaned: nothing to do — an agent was assigned meanwhile, the policy was transferred again (that
   * transfer is handled on its own) or it closed.
   */
  readonly outcome: 'sent' | 'replayed' | 'skipped' | 'unassigned' | 'not-orphaned';
  readonly toAgentId: string | null;
}

/**
 * The orphan-reassignment process manager (DESIGN 2.5): on `AgentDeparted` with BALANCED or REGION, reassigns each of
 * the agent's open policies by the balancing rule via ReassignOrphanPolicy (channel PROCESS, actor `system`,
 * idempotency key `orphan:{agentId}:{policyId}`); on `PolicyTransferred` without a target agent, assigns the policy
 * orphaned in its new branch by the same rule (BALANCED among the branch's active SERVICING agents, loads as of the
 * transfer's effective date; key `orphan-transfer:{policyId}:{transferRevision}`).
 *
 * Durability, in three parts:
 * - Trigger: a catch-up subscription on $all from a checkpoint kept in the event store
 *   (`checkpoint-orphanreassignment`). The checkpoint is stored only after a departure or transfer is fully handled
 *   (and, while nothing is to be done, every few thousand events delivered), so a crash mid-way replays that event.
 *   In embedded mode the projection's worker thread reads the log and delivers only the trigger events.
 * - Decision: the mapping is computed once, from the open receivables as of the departure date, and recorded as
 *   `OrphanReassignmentPlanned` on `orphanreassignment-{agentId}` with expected revision no_stream. After a crash
 *   (or in a second instance) the recorded plan is reused, so the remaining policies follow exactly the rule the first
 *   ones did, even though the receivables of the policies already moved now count for their new agents. A transfer's
 *   single assignment is recorded the same way (`TransferredOrphanAssignmentPlanned` on
 *   `orphantransfer-{policyId}-{revision}`): decided again later, it could differ and then clash with its own key.
 * - Execution: every planned command is sent again on resume; those already written are answered from their first
 *   events by the idempotency key and write nothing, and the domain rejects reassigning a policy that is no longer
 *   orphaned — so no policy is ever assigned twice.
 *
 * Any failure restarts the subscription from the checkpoint after a pause, except the event store refusing the
 * subscription itself: then the process stops with one error line and tells `onFailed` (readiness says why).
 */
export class OrphanReassignmentProcess {
  private subscription: AllSubscription | undefined;
  private loop: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(private readonly deps: OrphanReassignmentDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.runFromCheckpoint();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.subscription?.close();
    await this.loop;
  }

  /**
   * Handles one AgentDeparted (also used on resume).
   * @throws on anything but a rule rejection of a single policy (a concurrency conflict included): the subscription
   * then resumes from its checkpoint, before this departure, and sends the plan again.
   */
  async handleDeparture(recorded: RecordedEvent, departed: AgentDeparted): Promise<DepartureOutcome> {
    const { departedAgentId, log } = {
      departedAgentId: departed.data.agentId,
      log: this.deps.logger.child({ component: 'orphan-reassignment', departedAgentId: departed.data.agentId }),
    };
    const metadata = readEventMetadata(recorded.metadata);
    const correlationId = metadata.correlationId ?? recorded.eventId;
    const plan =
      (await readPlan(this.deps.store, departedAgentId)) ??
      (await this.decidePlan(departed, { correlationId, causationId: recorded.eventId }));
    log.info({ assignments: plan.assignments.length, strategy: plan.strategy }, 'reassigning orphaned policies');

    let reassigned = 0;
    let replayed = 0;
    let skipped = 0;
    let unassigned = 0;
    for (const { policyId, toAgentId } of plan.assignments) {
      if (toAgentId === null) {
        unassigned++;
        log.warn({ policyId, outcome: 'unassigned' }, 'no eligible agent: the policy stays orphaned');
        continue;
      }
      const context: RequestContext = {
        actor: ORPHAN_PROCESS_ACTOR,
        channel: 'PROCESS',
        correlationId,
        causationId: recorded.eventId,
        idempotencyKey: orphanReassignmentKey(departedAgentId, policyId),
      };
      const command = runOperation(
        reassignOrphanPolicy,
        { policyId },
        { toAgentId, effectiveDate: plan.departedOn },
        context,
        plan.strategy,
      );
      try {
        const result = await this.deps.send(command);
        if (result.replayed) replayed++;
        else reassigned++;
        log.info({ policyId, toAgentId, outcome: result.replayed ? 'replayed' : 'sent' }, 'ReassignOrphanPolicy');
      } catch (error) {
        const code = ruleRejectionCode(error);
        if (code === null) throw error;
        skipped++;
        log.info({ policyId, toAgentId, outcome: 'skipped', code }, `ReassignOrphanPolicy skipped: ${code}`);
      }
    }
    const outcome = { departedAgentId, reassigned, replayed, skipped, unassigned };
    log.info(outcome, 'departure handled');
    return outcome;
  }

  /**
   * Handles one PolicyTransferred without a target agent (also used on resume).
   * @throws on anything but a rule rejection (as handleDeparture).
   */
  async handleTransfer(recorded: RecordedEvent, transferred: PolicyTransferred): Promise<TransferOutcome> {
    const policyId = policyIdFromStreamId(recorded.streamId)!;
    const transferRevision = recorded.revision;
    const log = this.deps.logger.child({ component: 'orphan-reassignment', policyId, transferRevision });
    const done = (outcome: TransferOutcome['outcome'], toAgentId: string | null = null): TransferOutcome => {
      const result = { policyId, transferRevision, outcome, toAgentId };
      log.info(result, 'transfer handled');
      return result;
    };
    const metadata = readEventMetadata(recorded.metadata);
    const cause = { correlationId: metadata.correlationId ?? recorded.eventId, causationId: recorded.eventId };

    let plan = await readTransferPlan(this.deps.store, policyId, transferRevision);
    if (plan === null) {
      // Judged on the policy's own events: only a policy still waiting for an agent since this transfer gets one.
      if ((await this.transferSituation(policyId, transferRevision)) !== 'awaiting') return done('not-orphaned');
      plan = await this.decideTransferPlan(policyId, transferRevision, transferred, cause);
    } else if ((await this.transferSituation(policyId, transferRevision)) === 'superseded') {
      // Transferred again since the plan was recorded: its agent belongs to a branch the policy has left.
      return done('not-orphaned');
    }
    if (plan.toAgentId === null) {
      log.warn({ branchCode: plan.branchCode }, 'no eligible agent in the new branch: the policy stays orphaned');
      return done('unassigned');
    }
    const command = runOperation(
      reassignOrphanPolicy,
      { policyId },
      { toAgentId: plan.toAgentId, effectiveDate: plan.transferredOn },
      {
        actor: ORPHAN_PROCESS_ACTOR,
        channel: 'PROCESS',
        ...cause,
        idempotencyKey: transferredOrphanKey(policyId, transferRevision),
      },
      'BALANCED',
    );
    try {
      const result = await this.deps.send(command);
      return done(result.replayed ? 'replayed' : 'sent', plan.toAgentId);
    } catch (error) {
      const code = ruleRejectionCode(error);
      if (code === null) throw error;
      log.info({ toAgentId: plan.toAgentId, code }, `ReassignOrphanPolicy skipped: ${code}`);
      return done('skipped', plan.toAgentId);
    }
  }

  /** Where the policy stands with respect to the transfer at `transferRevision`, from its own stream. */
  private async transferSituation(
    policyId: string,
    transferRevision: number,
  ): Promise<'awaiting' | 'assigned' | 'superseded' | 'closed'> {
    const { state, events } = await loadAggregate(this.deps.store, policyAggregate, policyStreamId(policyId));
    if (!isIssued(state) || isClosed(state)) return 'closed';
    const lastTransfer = events.filter((event) => event.type === 'PolicyTransferred').at(-1);
    if (lastTransfer !== undefined && lastTransfer.revision > transferRevision) return 'superseded';
    return state.awaitingServicingAgent ? 'awaiting' : 'assigned';
  }

  private async decideTransferPlan(
    policyId: string,
    transferRevision: number,
    transferred: PolicyTransferred,
    cause: { correlationId: string; causationId: string },
  ): Promise<TransferredOrphanPlan> {
    const { toBranchCode, effectiveDate } = transferred.data;
    // The loads come from the read models: they must have seen the transfer and everything before it.
    await this.deps.catchUp.waitUntilCaughtUp(this.deps.catchUpTimeoutMs);
    const eligible = await this.eligibleAgents('BALANCED', toBranchCode, effectiveDate);
    const openReceivables = new Map(eligible.map((agent) => [agent.agentId, agent.openReceivables]));
    const [assignment] = balanceOrphans(
      [{ policyId, eligibleAgentIds: eligible.map((agent) => agent.agentId) }],
      openReceivables,
    );
    const plan: TransferredOrphanPlan = {
      policyId,
      transferRevision,
      transferredOn: effectiveDate,
      branchCode: toBranchCode,
      openReceivables: loadsInIdOrder(openReceivables),
      toAgentId: assignment?.toAgentId ?? null,
    };
    return recordTransferPlan(
      this.deps.store,
      plan,
      { ...cause, actor: ORPHAN_PROCESS_ACTOR, channel: 'PROCESS', recordedAt: this.deps.clock.now() },
      this.deps.ids.newId(),
    );
  }

  private async decidePlan(
    departed: AgentDeparted,
    cause: { correlationId: string; causationId: string },
  ): Promise<OrphanReassignmentPlan> {
    const { agentId: departedAgentId, departedOn, reassignment } = departed.data;
    const strategy = reassignment === 'REGION' ? 'REGION' : 'BALANCED';
    // The receivables are read from the read models: they must have seen the departure and everything before it.
    await this.deps.catchUp.waitUntilCaughtUp(this.deps.catchUpTimeoutMs);
    const policies = await openPoliciesOfAgent(this.deps.store, await this.deps.readModels(), departedAgentId);
    const groupOf = (policy: IssuedPolicy) =>
      strategy === 'REGION' ? policy.servicing.region : policy.servicing.branchCode;
    const eligibleByGroup = new Map<string, AgentWorkloadReportRow[]>();
    for (const group of new Set(policies.map(groupOf))) {
      eligibleByGroup.set(group, await this.eligibleAgents(strategy, group, departedOn));
    }
    const openReceivables = new Map<string, number>();
    for (const agents of eligibleByGroup.values()) {
      for (const agent of agents) openReceivables.set(agent.agentId, agent.openReceivables);
    }
    const assignments = balanceOrphans(
      policies.map((policy) => ({
        policyId: policy.policyId,
        eligibleAgentIds: (eligibleByGroup.get(groupOf(policy)) ?? []).map((agent) => agent.agentId),
      })),
      openReceivables,
    );
    const plan: OrphanReassignmentPlan = {
      departedAgentId,
      departedOn,
      strategy,
      openReceivables: loadsInIdOrder(openReceivables),
      assignments,
    };
    return recordPlan(
      this.deps.store,
      plan,
      {
        ...cause,
        actor: ORPHAN_PROCESS_ACTOR,
        channel: 'PROCESS',
        recordedAt: this.deps.clock.now(),
      },
      this.deps.ids.newId(),
    );
  }

  /** Active SERVICING agents of the branch (BALANCED) or region (REGION), with open receivables as of the date. */
  private async eligibleAgents(
    strategy: 'BALANCED' | 'REGION',
    group: string,
    asOf: BusinessDate,
  ): Promise<AgentWorkloadReportRow[]> {
    const agents: AgentWorkloadReportRow[] = [];
    let cursor: string | null = null;
    do {
      const page = await (
        await this.deps.readModels()
      ).agentWorkload({
        ...(strategy === 'REGION' ? { region: group } : { branchCode: group }),
        asOf,
        cursor,
        limit: 500,
      });
      agents.push(...page.rows.filter((agent) => agent.role === 'SERVICING' && agent.status === 'ACTIVE'));
      cursor = page.nextCursor;
    } while (cursor !== null);
    return agents;
  }

  private async runFromCheckpoint(): Promise<void> {
    const log = this.deps.logger.child({ component: 'orphan-reassignment' });
    let resumedAfter: Position | null = null;
    try {
      let checkpoint = await this.readCheckpoint();
      resumedAfter = checkpoint;
      let sinceStored = 0;
      this.subscription =
        this.deps.subscribe?.(checkpoint, TRIGGER_EVENT_TYPES) ?? subscribeFromCheckpoint(this.deps.store, checkpoint);
      if (this.stopped) await this.subscription.close();
      for await (const recorded of this.subscription) {
        try {
          const departed = departureOf(recorded);
          const transferred = departed === null ? orphaningTransferOf(recorded) : null;
          if (departed !== null && departed.data.reassignment !== 'MANUAL') {
            await this.handleDeparture(recorded, departed);
            sinceStored = CHECKPOINT_EVERY;
          } else if (transferred !== null) {
            await this.handleTransfer(recorded, transferred);
            sinceStored = CHECKPOINT_EVERY;
          }
        } catch (error) {
          // An event (or a policy stream) this version cannot read — e.g. written by a newer version during a
          // rolling upgrade — must not stall every later departure and transfer (DESIGN 7): it is passed over with
          // one warning; the version that can read it handles it.
          if (!(error instanceof UnreadableEventError)) throw error;
          this.deps.logger.warn(
            {
              streamId: error.streamId,
              revision: error.revision,
              type: error.type,
              schemaVersion: error.schemaVersion,
            },
            'orphan reassignment passed over an event this version cannot read',
          );
        }
        checkpoint = recorded.position;
        if (++sinceStored >= CHECKPOINT_EVERY) {
          await this.storeCheckpoint(checkpoint);
          sinceStored = 0;
        }
      }
    } catch (error) {
      if (this.stopped) return;
      await this.subscription?.close();
      if (isPermanentSubscriptionError(error)) {
        log.error(
          { checkpoint: resumedAfter, reason: error.message },
          'orphan reassignment stopped: the event store refuses its $all subscription; departures and transfers are ' +
            `not handled until the cause is fixed and the process restarted (checkpoint stream ${ORPHAN_REASSIGNMENT_CHECKPOINT_STREAM})`,
        );
        this.deps.onFailed?.(error.message);
        return;
      }
      log.error({ err: error }, 'orphan reassignment failed; resuming from the checkpoint');
      this.retryTimer = setTimeout(() => {
        if (!this.stopped) this.loop = this.runFromCheckpoint();
      }, this.deps.retryDelayMs ?? 5_000);
      this.retryTimer.unref();
    }
  }

  private async readCheckpoint(): Promise<Position | null> {
    try {
      const [last] = await this.deps.store.readStream(ORPHAN_REASSIGNMENT_CHECKPOINT_STREAM, {
        direction: 'backwards',
        maxCount: 1,
      });
      return typeof last.data.position === 'string' ? last.data.position : null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  private async storeCheckpoint(position: Position): Promise<void> {
    const eventId = this.deps.ids.newId();
    await this.deps.store.append(
      ORPHAN_REASSIGNMENT_CHECKPOINT_STREAM,
      [
        {
          eventId,
          type: CHECKPOINT_STORED,
          data: { position },
          metadata: toJsonMetadata({
            eventId,
            correlationId: eventId,
            causationId: eventId,
            actor: ORPHAN_PROCESS_ACTOR,
            channel: 'PROCESS',
            recordedAt: this.deps.clock.now(),
            schemaVersion: 1,
          }),
        },
      ],
      'any',
    );
  }
}

function loadsInIdOrder(openReceivables: ReadonlyMap<string, number>): { agentId: string; openReceivables: number }[] {
  return [...openReceivables]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([agentId, count]) => ({ agentId, openReceivables: count }));
}

/** A PolicyTransferred without a target agent: the policy is orphaned in its new branch (DESIGN 2.5). */
function orphaningTransferOf(recorded: RecordedEvent): PolicyTransferred | null {
  if (recorded.type !== 'PolicyTransferred' || policyIdFromStreamId(recorded.streamId) === null) return null;
  const event = decodeRecordedEvent(policyEventCodec, recorded);
  return event.type === 'PolicyTransferred' && event.data.awaitingAgent ? event : null;
}

function departureOf(recorded: RecordedEvent): AgentDeparted | null {
  if (recorded.type !== 'AgentDeparted' || agentIdFromStreamId(recorded.streamId) === null) return null;
  const event = decodeRecordedEvent(agentEventCodec, recorded);
  return event.type === 'AgentDeparted' ? event : null;
}
