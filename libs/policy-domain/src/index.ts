// Public entry of @lib/policy-domain: pure commands, events (+ schemas, upcasters), state, deciders, rules, views.
export * from './dates';
export * from './money';
export * from './ids';
export * from './errors';
export * from './rule-profiles';
export * from './policy/policy-values';
export * from './policy/premium-schedule';
export * from './policy/policy-state';
export * from './policy/policy-state-codec';
export * from './policy/premium-installments';
export * from './policy/contract-changes';
export * from './policy/policy-commands';
export * from './policy/policy-events';
export { evolvePolicy } from './policy/policy-evolve';
export { policyDecider } from './policy/policy-decider';
export * from './policy/reinstatement-quote';
export * from './policy/policy-view';
export * from './agent/agent-values';
export * from './agent/agent-commands';
export * from './agent/agent-events';
export * from './agent/agent-state';
export * from './agent/agent-decider';
export * from './agent/agent-view';
export * from './event-schemas';
export * from './aggregates';
export * from './policy/contract-terms';
export * from './product/product';
export { cashValueOn, type CashValueQuote } from './policy/cash-value';
export {
  payableStatusOf,
  surrenderQuote,
  type PayableStatus,
  type SurrenderQuote,
} from './policy/payables';
