import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { toApiProblem } from '../problem/error-classification';
import { sendProblem } from '../problem/http-problem';
import {
  bodyShapeProblem,
  MAX_ARRAY_ITEMS,
  MAX_BODY_CONTAINERS,
  MAX_BODY_DEPTH,
  MAX_OBJECT_MEMBERS,
} from '../problem/validation';
import type { ApiRequest } from './api-request';

export const MAX_BODY_BYTES = 256 * 1024;
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
  // `verify` sees the (inflated) bytes before they are parsed; an ApiProblem thrown there reaches the error handler.
  app.useBodyParser('json', {
    limit: MAX_BODY_BYTES,
    strict: true,
    verify: (_request: unknown, _response: unknown, body: Buffer) => {
      const problem = jsonTextShapeProblem(body);
      if (problem !== undefined) throw problem;
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    // A command without a body is validated like an empty object (each missing field is reported).
    if (METHODS_WITH_BODY.has(request.method) && request.body === undefined) request.body = {};
    // Depth, width and prototype keys, before auth and before anything walks the body (see bodyShapeProblem).
    const shapeProblem = bodyShapeProblem(request.body);
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
    const problem = undecodableBodyProblem(error, request) ?? toApiProblem(error);
    if (problem.kind === 'INTERNAL')
      logger.error({ err: error, correlationId: (request as ApiRequest).correlationId }, 'request pipeline error');
    sendProblem(response, problem, (request as ApiRequest).correlationId);
  });
}

/**
 * The body parser inflates `Content-Encoding: gzip | deflate | br | zstd` bodies; when the bytes are not in that
 * encoding, zlib's error reaches us as a 400 http-error without the `type` the parser gives its own errors. That is
 * the client's mistake (400), not ours. (Encodings the parser does not know are its typed 415.)
 */
function undecodableBodyProblem(error: unknown, request: Request): ApiProblem | undefined {
  if (typeof error !== 'object' || error === null || 'type' in error) return undefined;
  const status = (error as { status?: unknown }).status;
  const encoding = request.headers['content-encoding'];
  if (status !== 400 || encoding === undefined || encoding.trim().toLowerCase() === 'identity') return undefined;
  const name = encoding.trim().toLowerCase().slice(0, 16);
  return ApiProblem.validation(`The request body is not valid ${name} data, as its Content-Encoding says`, [
    { path: 'Content-Encoding', message: `the body could not be decoded as ${name}` },
  ]);
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The width and depth limits of bodyShapeProblem, checked on the JSON text before it is parsed: JSON.parse of 256 KiB
 * of `{},` builds ~85,000 objects (a garbage-collection pause of tens of milliseconds) only for them to be refused.
 * Counts brackets and commas outside strings, so it needs no allocation; text that is not JSON is left to the parser.
 * bodyShapeProblem still runs on the parsed body (paths of the errors, inherited member names).
 */
function jsonTextShapeProblem(text: Buffer): ApiProblem | undefined {
  // Per open container: 1 for an array, 0 for an object, and its commas so far.
  const isArray: number[] = [];
  const commas: number[] = [];
  let containers = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const byte = text[index];
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (++containers > MAX_BODY_CONTAINERS)
          return shapeProblem(`more than ${MAX_BODY_CONTAINERS} objects and arrays`);
        if (isArray.length >= MAX_BODY_DEPTH) return shapeProblem(`nesting deeper than ${MAX_BODY_DEPTH} levels`);
        isArray.push(byte === OPEN_ARRAY ? 1 : 0);
        commas.push(0);
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        isArray.pop();
        commas.pop();
        break;
      case COMMA: {
        const top = commas.length - 1;
        if (top < 0) break;
        const count = ++commas[top] + 1;
        if (isArray[top] === 1 && count > MAX_ARRAY_ITEMS)
          return shapeProblem(`an array with more than ${MAX_ARRAY_ITEMS} elements`);
        if (isArray[top] === 0 && count > MAX_OBJECT_MEMBERS)
          return shapeProblem(`an object with more than ${MAX_OBJECT_MEMBERS} members`);
        break;
      }
    }
  }
  return undefined;
}

function shapeProblem(what: string): ApiProblem {
  return ApiProblem.validation(`The request body has ${what}`, [{ path: '', message: `has ${what}` }]);
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
      code: (response.locals.problemCode as string | undefined) ?? undefined,
    },
    'request',
  );
}
