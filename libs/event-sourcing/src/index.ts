export * from './event-store';
export * from './decider';
export * from './metadata';
export * from './event-codec';
export * from './command-handler';
export * from './aggregate-cache';
