/** Nest injection tokens for the event store port, its aggregate cache and the injected time and identity sources. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
export const AGGREGATE_CACHE = Symbol('AGGREGATE_CACHE');
