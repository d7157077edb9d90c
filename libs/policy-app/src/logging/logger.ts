import type { LoggerService } from '@nestjs/common';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from '@lib/config';

export const LOGGER = Symbol('LOGGER');

/**
 * JSON lines, each naming the service (`policy-api`, `scheduler`, `policyctl`), on stdout by default (stderr for a
 * CLI whose stdout is its output), buffered asynchronously so logging stays off the request's critical path.
 */
export function createLogger(level: LogLevel, service = 'policy-api', destination: 1 | 2 = 1): Logger {
  return pino(loggerOptions(level, service), pino.destination({ dest: destination, sync: false }));
}

/** The options every logger of ours is built with: level, service, ISO timestamps, no repeated keys. */
export function loggerOptions(level: LogLevel, service: string): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: (_mergeObject, _level, logger) => ({ [BOUND]: boundValues(logger) }),
    mixinMergeStrategy: (mergeObject, mixinObject) =>
      withoutBoundRepeats(mergeObject, (mixinObject as { [BOUND]: ReadonlyMap<string, string> })[BOUND]),
  };
}

const BOUND = Symbol('bound');
/** Per logger (a child has its own): its bound keys and their values as JSON. Bindings do not change after creation. */
const boundByLogger = new WeakMap<object, ReadonlyMap<string, string>>();

function boundValues(logger: Logger): ReadonlyMap<string, string> {
  let bound = boundByLogger.get(logger);
  if (bound === undefined) {
    bound = new Map(Object.entries(logger.bindings()).map(([key, value]) => [key, JSON.stringify(value)]));
    boundByLogger.set(logger, bound);
  }
  return bound;
}

/**
 * Pino writes a child's bindings and then the logged object as they are, so a key in both appears twice in one JSON
 * line (`{"departedAgentId":"A1",…,"departedAgentId":"A1"}`), which many log pipelines reject or mangle. A logged key
 * repeating a bound key with the same value is dropped (the caller's object is not changed); a different value is kept,
 * since it says something the binding does not.
 */
function withoutBoundRepeats(mergeObject: object, bound: ReadonlyMap<string, string>): object {
  if (bound.size === 0) return mergeObject;
  let result: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(mergeObject)) {
    if (bound.get(key) !== undefined && bound.get(key) === JSON.stringify(value)) {
      result ??= { ...mergeObject };
      delete result[key];
    }
  }
  return result ?? mergeObject;
}

/** Nest's own messages (bootstrap, route mapping) through pino; the chatty `log` level goes to debug. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
