import { balanceOrphans } from './orphan-balancing';

const loads = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('orphan balancing (DESIGN 2.5)', () => {
  it('gives each policy, in policyId order, to the least loaded agent, counting what this run already gave', () => {
    const eligible = ['S-B', 'S-A', 'S-C'];
    const orphans = ['P-04', 'P-01', 'P-03', 'P-02', 'P-05'].map((policyId) => ({
      policyId,
      eligibleAgentIds: eligible,
    }));
    // Loads: A 2, B 0, C 1 → P-01 B (0), P-02 B (1, tie with C → lower id B), P-03 C (1 < A 2, B 2),
    // P-04 A (2, tie with B, C → A), P-05 B (2, tie with C → B).
    expect(balanceOrphans(orphans, loads({ 'S-A': 2, 'S-B': 0, 'S-C': 1 }))).toEqual([
      { policyId: 'P-01', toAgentId: 'S-B' },
      { policyId: 'P-02', toAgentId: 'S-B' },
      { policyId: 'P-03', toAgentId: 'S-C' },
      { policyId: 'P-04', toAgentId: 'S-A' },
      { policyId: 'P-05', toAgentId: 'S-B' },
    ]);
  });

  it('a policy without an eligible agent stays orphaned, and loads carry across branches', () => {
    expect(
      balanceOrphans(
        [
          { policyId: 'P-1', eligibleAgentIds: ['S-1', 'S-2'] },
          { policyId: 'P-2', eligibleAgentIds: [] },
          { policyId: 'P-3', eligibleAgentIds: ['S-2'] },
          { policyId: 'P-4', eligibleAgentIds: ['S-1', 'S-2'] },
        ],
        loads({ 'S-1': 0, 'S-2': 0 }),
      ),
    ).toEqual([
      { policyId: 'P-1', toAgentId: 'S-1' },
      { policyId: 'P-2', toAgentId: null },
      { policyId: 'P-3', toAgentId: 'S-2' },
      { policyId: 'P-4', toAgentId: 'S-1' },
    ]);
  });
});
