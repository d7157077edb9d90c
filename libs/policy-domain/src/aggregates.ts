/** Decider + codec per aggregate, ready for the kernel's `handleCommand` / `loadAggregate`. */
import { type Aggregate } from '@lib/event-sourcing';
import { agentDecider } from './agent/agent-decider';
import { type AgentCommand } from './agent/agent-commands';
import { type AgentEvent } from './agent/agent-events';
import { type AgentState } from './agent/agent-state';
import { agentEventCodec, policyEventCodec, productEventCodec } from './event-schemas';
import { productDecider, type ProductCommand, type ProductEvent, type ProductState } from './product/product';
import { policyDecider } from './policy/policy-decider';
import { type PolicyCommand } from './policy/policy-commands';
import { type PolicyEvent } from './policy/policy-events';
import { type PolicyState } from './policy/policy-state';

export const policyAggregate: Aggregate<PolicyCommand, PolicyEvent, PolicyState> = {
  decider: policyDecider,
  codec: policyEventCodec,
};

export const agentAggregate: Aggregate<AgentCommand, AgentEvent, AgentState> = {
  decider: agentDecider,
  codec: agentEventCodec,
};

export const productAggregate: Aggregate<ProductCommand, ProductEvent, ProductState> = {
  decider: productDecider,
  codec: productEventCodec,
};
