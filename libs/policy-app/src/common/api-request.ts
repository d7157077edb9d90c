import type { Request } from 'express';
import type { Actor } from '@lib/event-sourcing';

/** The Express request with what our middleware and guard attach to it. */
export interface ApiRequest extends Request {
  correlationId: string;
  /** process.hrtime.bigint() at arrival, for the access log. */
  receivedAt: bigint;
  /** Set by the ApiKeyGuard once authenticated. */
  actor?: Actor;
}
