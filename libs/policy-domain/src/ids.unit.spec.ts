import {
  agentIdFromStreamId,
  productCodeFromStreamId,
  productStreamId,
  agentStreamId,
  endorsementNo,
  isValidAgentId,
  isValidPolicyId,
  policyIdFromStreamId,
  policyStreamId,
  reminderId,
} from './ids';

describe('identities and stream names', () => {
  it('policy ids are 4–32 upper-case letters, digits and dashes, not starting with a dash', () => {
    expect(isValidPolicyId('P-2024-0001')).toBe(true);
    expect(isValidPolicyId('P001')).toBe(true);
    expect(isValidPolicyId('P01')).toBe(false);
    expect(isValidPolicyId('-P001')).toBe(false);
    expect(isValidPolicyId('p-001')).toBe(false);
    expect(isValidPolicyId('P'.repeat(33))).toBe(false);
  });

  it('agent ids are 2–32 characters', () => {
    expect(isValidAgentId('A1')).toBe(true);
    expect(isValidAgentId('A')).toBe(false);
    expect(isValidAgentId('A_1')).toBe(false);
  });

  it('stream names are <category>-<id> and parse back', () => {
    expect(policyStreamId('P-2024-0001')).toBe('policy-P-2024-0001');
    expect(agentStreamId('A-001')).toBe('agent-A-001');
    expect(policyIdFromStreamId('policy-P-2024-0001')).toBe('P-2024-0001');
    expect(policyIdFromStreamId('agent-A-001')).toBeNull();
    expect(agentIdFromStreamId('agent-A-001')).toBe('A-001');
    expect(agentIdFromStreamId('policy-P-2024-0001')).toBeNull();
    expect(productStreamId('CN-ENDOW-20')).toBe('product-CN-ENDOW-20');
    expect(productCodeFromStreamId('product-CN-ENDOW-20')).toBe('CN-ENDOW-20');
    expect(productCodeFromStreamId('product-cn lower')).toBeNull();
    expect(productCodeFromStreamId('agent-A-001')).toBeNull();
  });

  it('endorsement and reminder numbers follow the policy number', () => {
    expect(endorsementNo('P-2024-0001', 3)).toBe('P-2024-0001-E3');
    expect(reminderId('P-2024-0001', 12)).toBe('P-2024-0001-R12');
  });
});
