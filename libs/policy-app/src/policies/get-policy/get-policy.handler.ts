import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  loadAggregate,
  loadCurrentState,
  readEventMetadata,
  type AggregateCache,
  type EventStore,
} from '@lib/event-sourcing';
import { isIssued, laterOf, policyAggregate, policyStreamId, policyView } from '@lib/policy-domain';
import { loadAgentSnapshot } from '../../agents/shared/load-agent-snapshot';
import { CommandRunner } from '../../common/command-runner';
import { ProductVersionCache } from '../../products/load-product';
import { AGGREGATE_CACHE, EVENT_STORE } from '../../event-store/tokens';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { GetPolicyQuery, type PolicyQueryResult } from './get-policy.query';

@QueryHandler(GetPolicyQuery)
export class GetPolicyHandler implements IQueryHandler<GetPolicyQuery, PolicyQueryResult> {
  private readonly productVersions: ProductVersionCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AGGREGATE_CACHE) private readonly cache: AggregateCache,
    private readonly runner: CommandRunner,
  ) {
    this.productVersions = new ProductVersionCache(store);
  }

  async execute({ policyId, at }: GetPolicyQuery): Promise<PolicyQueryResult> {
    const streamId = policyStreamId(policyId);
    // The current state comes through the aggregate cache (only newer events are read); history is read whole.
    const historical = at.revision !== undefined || at.asOf !== undefined;
    const loaded = historical
      ? await loadAggregate(this.store, policyAggregate, streamId, { toRevision: at.revision, asOf: at.asOf })
      : { ...(await loadCurrentState(this.store, policyAggregate, streamId, this.cache)), events: [] };
    if (loaded.revision === 'no_stream' || !isIssued(loaded.state)) {
      throw new ApiProblem('NOT_FOUND', PROBLEM_CODES.POLICY_NOT_FOUND, notFoundDetail(policyId, at));
    }
    if (at.revision !== undefined && loaded.revision < at.revision) {
      throw new ApiProblem(
        'NOT_FOUND',
        PROBLEM_CODES.POLICY_NOT_FOUND,
        `Policy ${policyId} has no revision ${at.revision} (latest ${loaded.revision})`,
      );
    }
    // Orphaned = the servicing agent had departed at the same point in time as the policy state shown.
    const agentAsOf =
      at.asOf ??
      (at.revision === undefined
        ? undefined
        : readEventMetadata(loaded.events[loaded.events.length - 1].metadata).recordedAt);
    const agent = await loadAgentSnapshot(this.store, loaded.state.servicing.agentId, agentAsOf);
    // Before a policy takes effect there is no contract "today": the default shows it as on its effective date.
    // An explicit earlier date is the caller's mistake (policyView: 422 DATE_BEFORE_POLICY).
    const effectiveOn = at.effectiveOn ?? laterOf(this.runner.today(), loaded.state.effectiveDate);
    const { productCode, productVersion } = loaded.state;
    const product = productVersion === null ? null : await this.productVersions.load(productCode, productVersion);
    return {
      view: policyView(loaded.state, { revision: loaded.revision, effectiveOn, servicingAgent: agent, product }),
    };
  }
}

function notFoundDetail(policyId: string, at: GetPolicyQuery['at']): string {
  if (at.asOf !== undefined) return `Policy ${policyId} had no recorded events at or before ${at.asOf}`;
  return `Policy ${policyId} does not exist`;
}
