/** Identities and stream names (DESIGN 2.1). Build stream names only through these functions. */
import { PRODUCT_CODE_PATTERN } from './product/product';

export const POLICY_ID_PATTERN = /^[A-Z0-9][A-Z0-9-]{3,31}$/;
export const AGENT_ID_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

const POLICY_STREAM_PREFIX = 'policy-';
const AGENT_STREAM_PREFIX = 'agent-';
const PRODUCT_STREAM_PREFIX = 'product-';

export function isValidPolicyId(policyId: unknown): policyId is string {
  return typeof policyId === 'string' && POLICY_ID_PATTERN.test(policyId);
}

export function isValidAgentId(agentId: unknown): agentId is string {
  return typeof agentId === 'string' && AGENT_ID_PATTERN.test(agentId);
}

export function policyStreamId(policyId: string): string {
  return `${POLICY_STREAM_PREFIX}${policyId}`;
}

export function agentStreamId(agentId: string): string {
  return `${AGENT_STREAM_PREFIX}${agentId}`;
}

/** `product-{productCode}`: the versions of one product (DESIGN 2.8). */
export function productStreamId(productCode: string): string {
  return `${PRODUCT_STREAM_PREFIX}${productCode}`;
}

/** The policy id of a policy stream name, or null for any other stream. */
export function policyIdFromStreamId(streamId: string): string | null {
  if (!streamId.startsWith(POLICY_STREAM_PREFIX)) return null;
  const policyId = streamId.slice(POLICY_STREAM_PREFIX.length);
  return isValidPolicyId(policyId) ? policyId : null;
}

/** The agent id of an agent stream name, or null for any other stream. */
export function agentIdFromStreamId(streamId: string): string | null {
  if (!streamId.startsWith(AGENT_STREAM_PREFIX)) return null;
  const agentId = streamId.slice(AGENT_STREAM_PREFIX.length);
  return isValidAgentId(agentId) ? agentId : null;
}

/** The product code of a product stream name, or null for any other stream. */
export function productCodeFromStreamId(streamId: string): string | null {
  if (!streamId.startsWith(PRODUCT_STREAM_PREFIX)) return null;
  const productCode = streamId.slice(PRODUCT_STREAM_PREFIX.length);
  return PRODUCT_CODE_PATTERN.test(productCode) ? productCode : null;
}

/** `{policyId}-E{n}`: the n-th contract-changing servicing transaction (n = 1, 2, …). */
export function endorsementNo(policyId: string, sequence: number): string {
  return `${policyId}-E${sequence}`;
}

/** `{policyId}-R{n}`: the n-th premium reminder sent for the policy (n = 1, 2, …). */
export function reminderId(policyId: string, sequence: number): string {
  return `${policyId}-R${sequence}`;
}

/** `{policyId}-L{n}`: the n-th policy loan granted (DESIGN 2.10). */
export function loanNo(policyId: string, sequence: number): string {
  return `${policyId}-L${sequence}`;
}

/** `{policyId}-P{n}`: the n-th amount the insurer came to owe on the policy (DESIGN 2.9). */
export function payableId(policyId: string, sequence: number): string {
  return `${policyId}-P${sequence}`;
}
