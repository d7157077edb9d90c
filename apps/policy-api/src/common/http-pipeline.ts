import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { toApiProblem } from '../problem/error-classification';
import { sendProblem } from '../problem/http-problem';
import type { ApiRequest } from './api-request';

export const MAX_BODY_BYTES = 256 * 1024;
/** Our deepest valid body is ~5 levels (changes[].newPolicyholder…); anything far deeper is rejected early. */
const MAX_BODY_DEPTH = 16;
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Express-level pipeline in front of Nest's routes: correlation id and access log, content type, the JSON body
 * parser with its 256 KiB limit, and an error handler that turns parser errors into problem+json (Nest's
 * exception filters only see errors thrown inside routes).
 */
export function installHttpPipeline(app: NestExpressApplication, logger: Logger): void {
  app.use((request: Request, response: Response, next: NextFunction) => {
    const apiRequest = request as ApiRequest;
    apiRequest.receivedAt = process.hrtime.bigint();
    const given = request.headers['x-correlation-id'];
    const correlationId = typeof given === 'string' && CORRELATION_ID.test(given) ? given : undefined;
    apiRequest.correlationId = correlationId ?? randomUUID();
    response.setHeader('X-Correlation-Id', apiRequest.correlationId);
    // No listener (and no closure) per request when the access log is off, as in production at level warn.
    if (logger.isLevelEnabled('info')) response.once('finish', () => logAccess(logger, apiRequest, response));
    if (given !== undefined && correlationId === undefined) {
      sendProblem(
        response,
        ApiProblem.validation('X-Correlation-Id must be 1–128 visible ASCII characters', [
          { path: 'X-Correlation-Id', message: '1–128 visible ASCII characters' },
        ]),
        apiRequest.correlationId,
      );
      return;
    }
    if (METHODS_WITH_BODY.has(request.method) && hasBody(request) && !isJson(request.headers['content-type'])) {
      sendProblem(
        response,
        new ApiProblem(
          'UNSUPPORTED_MEDIA_TYPE',
          PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE,
          'Request bodies must be sent as Content-Type: application/json',
        ),
        apiRequest.correlationId,
      );
      return;
    }
    next();
  });
  app.useBodyParser('json', { limit: MAX_BODY_BYTES, strict: true });
  app.use((request: Request, response: Response, next: NextFunction) => {
    // A command without a body is validated like an empty object (each missing field is reported).
    if (METHODS_WITH_BODY.has(request.method) && request.body === undefined) request.body = {};
    const shapeProblem = checkBodyShape(request.body);
    if (shapeProblem !== undefined) {
      sendProblem(response, shapeProblem, (request as ApiRequest).correlationId);
      return;
    }
    next();
  });
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const problem = toApiProblem(error);
    if (problem.kind === 'INTERNAL')
      logger.error({ err: error, correlationId: (request as ApiRequest).correlationId }, 'request pipeline error');
    sendProblem(response, problem, (request as ApiRequest).correlationId);
  });
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rejects bodies nested absurdly deep (class-transformer recurses and would overflow the stack) and keys that
 * could reach an object's prototype. Iterative, so a hostile body cannot overflow the stack here either.
 */
function checkBodyShape(body: unknown): ApiProblem | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const pending: [object, number][] = [[body, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (depth > MAX_BODY_DEPTH) {
      return ApiProblem.validation(`The request body is nested deeper than ${MAX_BODY_DEPTH} levels`, [
        { path: '', message: 'too deeply nested' },
      ]);
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key))
        return ApiProblem.validation(`Property name ${key} is not allowed`, [{ path: key, message: 'not allowed' }]);
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return undefined;
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json';
}

function logAccess(logger: Logger, request: ApiRequest, response: Response): void {
  const durationMs = Number(process.hrtime.bigint() - request.receivedAt) / 1e6;
  logger.info(
    {
      method: request.method,
      path: request.path,
      status: response.statusCode,
      durationMs: Math.round(durationMs * 100) / 100,
      correlationId: request.correlationId,
      actorId: request.actor?.id,
    },
    'request',
  );
}
