import { applyDecorators, HttpCode, type Type } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation } from '@nestjs/swagger';
import { ApiProblems, COMMAND_PROBLEMS } from './openapi';

interface ApiCommandOptions {
  readonly summary: string;
  readonly response: Type<unknown>;
  /** The event type(s) written on success. */
  readonly events: string;
  /** Commands creating a stream take no If-Match. Default true. */
  readonly ifMatch?: boolean;
}

/** OpenAPI for a command route: its optional headers, the 201 body and headers, and the problems it can answer. */
export function ApiCommand(options: ApiCommandOptions): MethodDecorator {
  const headers = [
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: '≤ 128 visible ASCII characters; same key + same body → the first response again',
    }),
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Echoed; generated when absent' }),
  ];
  if (options.ifMatch !== false) {
    headers.push(
      ApiHeader({
        name: 'If-Match',
        required: false,
        description: 'The ETag "<revision>" the caller saw; stale → 412',
      }),
    );
  }
  return applyDecorators(
    HttpCode(201),
    ApiOperation({ summary: options.summary }),
    ...headers,
    ApiCreatedResponse({
      type: options.response,
      description: `Written: ${options.events}`,
      headers: {
        ETag: { description: 'Stream revision after the command, "<revision>"', schema: { type: 'string' } },
        'X-Correlation-Id': { description: 'Correlation id of the request', schema: { type: 'string' } },
        'Idempotent-Replayed': {
          description: 'true when this is the response of an earlier request with the same Idempotency-Key',
          schema: { type: 'string' },
        },
      },
    }),
    ApiProblems(...COMMAND_PROBLEMS),
  );
}
