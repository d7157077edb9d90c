import type { NextFunction, Response } from 'express';
import { bearerTokenOf, type AuthService } from '../auth/auth.service';
import type { ApiRequest } from '../common/api-request';
import { requestedRows, type ExpensiveRestRead } from './expensive-reads';
import type { ReadLimiter } from './read-limiter';
import { sendProblem } from '../problem/http-problem';
import { readLimitProblem } from './read-limit-problem';

/**
 * REST side of the read limits, in front of one expensive route (EXPENSIVE_REST_READS). It runs before Nest's
 * routing, so it finds the key itself (the same AuthService lookup as the guard; an unknown key passes on to the
 * guard's 401). The slot is held until the response is finished or the connection closed: a client that pipelines
 * pages, or does not read what it asked for, waits on its own slots.
 */
export function readLimitMiddleware(limiter: ReadLimiter, auth: AuthService, read: ExpensiveRestRead) {
  return (request: ApiRequest, response: Response, next: NextFunction): void => {
    const actor = auth.authenticate(bearerTokenOf(request.headers.authorization));
    if (actor === null) {
      next();
      return;
    }
    const admission = limiter.admit(actor.id, requestedRows(request.query.limit, read.defaultRows));
    if (!admission.admitted) {
      request.actor = actor; // for the access log
      sendProblem(response, readLimitProblem(actor.id, admission), request.correlationId);
      return;
    }
    response.once('close', admission.release);
    // The report stores answer without real I/O (SQLite is synchronous), so reads admitted together would otherwise
    // run back to back in one turn of the event loop; each starts in its own turn, other clients' requests between.
    setImmediate(next);
  };
}
