import { applyDecorators } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  SwaggerModule,
  getSchemaPath,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { isExpensiveReadPath } from '../limits/expensive-reads';
import { OPERATIONS } from '../operations/operations';

class FieldErrorDoc {
  @ApiProperty({ example: 'beneficiaries.1.sharePercent' })
  path!: string;
  @ApiProperty({ example: 'sharePercent must not be greater than 100' })
  message!: string;
}

/** RFC 9457 problem details (application/problem+json). */
class ProblemDoc {
  @ApiProperty({ example: 'urn:policy-servicing:problem:VALIDATION_FAILED' })
  type!: string;
  @ApiProperty({ example: 'Bad Request' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ description: 'Stable machine-readable reason (DESIGN 2.5 and 3)', example: 'VALIDATION_FAILED' })
  code!: string;
  @ApiProperty()
  detail!: string;
  @ApiPropertyOptional({ type: () => FieldErrorDoc, isArray: true })
  errors?: FieldErrorDoc[];
  @ApiPropertyOptional({ description: 'The request correlation id (also in X-Correlation-Id)' })
  correlationId?: string;
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED: wrong shape, type, format, unknown field, malformed JSON, bad If-Match or Idempotency-Key',
  401: 'UNAUTHENTICATED: missing or unknown API key',
  403: 'FORBIDDEN: the key has no role that may run this',
  404: 'POLICY_NOT_FOUND / AGENT_NOT_FOUND / REMINDER_NOT_FOUND',
  409: 'POLICY_ALREADY_EXISTS / AGENT_ALREADY_EXISTS / CONCURRENCY_CONFLICT (retries exhausted)',
  412: 'PRECONDITION_FAILED: If-Match is stale',
  413: 'PAYLOAD_TOO_LARGE: body over 256 KiB',
  415: 'UNSUPPORTED_MEDIA_TYPE: body is not application/json',
  422: "A business rule rejected the command (the domain's code) or IDEMPOTENCY_KEY_REUSED",
  429: 'TOO_MANY_REQUESTS: this API key is over its limits on expensive reads (READ_LIMIT_*); retry after Retry-After',
  503: 'The service cannot answer now (e.g. a store is unavailable); see `code`, retry later',
};

/** Documents the problem+json responses a route can give. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDoc),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}

export const COMMAND_PROBLEMS = [400, 401, 403, 404, 409, 412, 413, 415, 422] as const;
export const QUERY_PROBLEMS = [400, 401, 403, 404] as const;

function problemResponse(status: number): ResponseObject {
  return {
    description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDoc) } } },
  };
}

/** Each command's request body gets its operation's example (found by the body's schema name). */
function addCommandExamples(document: OpenAPIObject): void {
  const examples = new Map(OPERATIONS.map((operation) => [getSchemaPath(operation.dto), operation.example]));
  for (const operation of operationsOf(document)) {
    const body = operation.requestBody;
    const media = body !== undefined && 'content' in body ? body.content['application/json'] : undefined;
    const schema = media?.schema;
    const example = schema !== undefined && '$ref' in schema ? examples.get(schema.$ref) : undefined;
    if (media !== undefined && example !== undefined) media.example = example;
  }
}

/** The expensive reads (limits/expensive-reads.ts) answer 429 with Retry-After over the key's read limits. */
function addReadLimitResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (item.get === undefined || !isExpensiveReadPath(path)) continue;
    item.get.responses['429'] = {
      ...problemResponse(429),
      headers: {
        'Retry-After': { description: 'Seconds to wait before the next expensive read', schema: { type: 'integer' } },
      },
    };
  }
}

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item) =>
    [item.get, item.put, item.post, item.delete, item.patch].filter((operation) => operation !== undefined),
  );
}

/** OpenAPI document at /docs (UI) and /docs-json. */
export function setupOpenApi(app: NestExpressApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Policy servicing API')
    .setDescription(
      'Event-sourced life-insurance policy servicing (DESIGN 3). Every command returns 201 with the events written and ' +
        'an ETag "<revision>"; send it back as If-Match to guard against concurrent changes. Idempotency-Key (≤ 128 ' +
        'characters) makes a command safe to retry. X-Correlation-Id is echoed on every response. Errors are RFC 9457 ' +
        'application/problem+json with a stable `code`. Expensive reads (report pages, policy histories) are limited ' +
        'per API key: over the limits they answer 429 with Retry-After.',
    )
    .setVersion('1')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key secret from API_KEYS' })
    .addSecurityRequirements('bearer')
    .build();
  // package.json: UNLICENSED (DocumentBuilder.setLicense always writes a url, and this licence has none).
  config.info.license = { name: 'Proprietary (UNLICENSED)' };
  const document = SwaggerModule.createDocument(app, config);
  addCommandExamples(document);
  addReadLimitResponses(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
