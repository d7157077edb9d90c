/**
 * Orphan balancing (DESIGN 2.5), pure: each orphaned policy, in policyId order, goes to the eligible agent with the
 * lowest load, where load = open receivables as of the departure date + 1 for each orphan already given to that agent
 * in this run; ties go to the lowest agentId. A policy with no eligible agent stays orphaned (null).
 */
interface OrphanToPlace {
  readonly policyId: string;
  /** The active SERVICING agents of the policy's branch (BALANCED) or region (REGION). */
  readonly eligibleAgentIds: readonly string[];
}

export interface OrphanAssignment {
  readonly policyId: string;
  readonly toAgentId: string | null;
}

/** Plain code-unit comparison, so the order never depends on the process's locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function balanceOrphans(
  orphans: readonly OrphanToPlace[],
  openReceivables: ReadonlyMap<string, number>,
): OrphanAssignment[] {
  const given = new Map<string, number>();
  const loadOf = (agentId: string) => (openReceivables.get(agentId) ?? 0) + (given.get(agentId) ?? 0);
  return [...orphans]
    .sort((a, b) => compareIds(a.policyId, b.policyId))
    .map(({ policyId, eligibleAgentIds }) => {
      let chosen: string | null = null;
      for (const agentId of eligibleAgentIds) {
        if (chosen === null) chosen = agentId;
        else {
          const difference = loadOf(agentId) - loadOf(chosen);
          if (difference < 0 || (difference === 0 && compareIds(agentId, chosen) < 0)) chosen = agentId;
        }
      }
      if (chosen !== null) given.set(chosen, (given.get(chosen) ?? 0) + 1);
      return { policyId, toAgentId: chosen };
    });
}
