import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { WrittenEvents } from '../common/command-runner';
import type { RequestContext } from '../common/request-context';
import { ApiProblem, type FieldError } from '../problem/api-problem';
import { validateDto } from '../problem/validation';
import { grpcRequestContext, sendResponseMetadata, type GrpcCall } from './grpc-call';
import { MessageSchema, protoFieldPath, snakeCase } from './message-schema';
import { POLICY_PACKAGE } from './proto-files';

export const GRPC_PACKAGE_DEFINITION = Symbol('GRPC_PACKAGE_DEFINITION');

export type JsonObject = Record<string, unknown>;

/** How one request message becomes the REST input of the same use case. */
export interface RequestSpec<Dto extends object> {
  /** The request message type, e.g. `RecordPremiumPaymentRequest`. */
  readonly message: string;
  /** The REST DTO class that validates the body (absent: the request has only ids). */
  readonly dto?: new () => Dto;
  /** Request fields that are REST path parameters (camelCase name → the REST pipe that checks them). */
  readonly ids?: Readonly<Record<string, PipeTransform<string, string>>>;
  /** Turns the request's remaining fields into the REST body, where the shapes differ (oneofs, query strings). */
  readonly toBody?: (fields: JsonObject) => JsonObject;
  /** Rewrites the proto path of a DTO violation where the body differs from the message (e.g. oneofs). */
  readonly violationPath?: (path: string, body: JsonObject) => string;
}

interface DecodedRequest<Dto> {
  readonly dto: Dto;
  readonly ids: Readonly<Record<string, string>>;
  readonly expectedRevision?: number;
}

/**
 * The edge between protobuf messages and the use cases: request message → the REST body shape → the same
 * class-validator DTO as REST (whitelist, forbidNonWhitelisted), every violation reported with its proto field path;
 * results → reply messages with the response metadata (etag, correlation id).
 */
@Injectable()
export class GrpcMessages {
  private readonly schema: MessageSchema;

  constructor(@Inject(GRPC_PACKAGE_DEFINITION) definition: PackageDefinition) {
    this.schema = new MessageSchema(definition, POLICY_PACKAGE);
  }

  /** A command request → its validated DTO, target ids and RequestContext (channel GRPC, expected revision). */
  command<Dto extends object>(
    call: GrpcCall,
    request: JsonObject,
    spec: RequestSpec<Dto> & { dto: new () => Dto },
  ): DecodedRequest<Dto> & { readonly context: RequestContext } {
    const decoded = this.decode(request, spec);
    return { ...decoded, context: grpcRequestContext(call, decoded.expectedRevision) };
  }

  /** @throws ApiProblem VALIDATION with every field violation (proto paths). */
  decode<Dto extends object>(request: JsonObject, spec: RequestSpec<Dto>): DecodedRequest<Dto> {
    const { value, violations } = this.schema.toJson(spec.message, request);
    const { expectedRevision, ...fields } = value as JsonObject & { expectedRevision?: number };
    const ids: Record<string, string> = {};
    for (const [name, pipe] of Object.entries(spec.ids ?? {})) {
      const given = fields[name];
      delete fields[name];
      try {
        ids[name] = pipe.transform(typeof given === 'string' ? given : '', { type: 'param' });
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        violations.push({ path: snakeCase(name), message: error.errors?.[0]?.message ?? error.detail });
      }
    }
    const body = spec.toBody === undefined ? fields : spec.toBody(fields);
    let dto: Dto | undefined;
    let dtoViolations: FieldError[] = [];
    if (spec.dto !== undefined) {
      try {
        dto = validateDto(spec.dto, body);
      } catch (error) {
        if (!(error instanceof ApiProblem) || error.kind !== 'VALIDATION') throw error;
        dtoViolations = (error.errors ?? [{ path: '', message: error.detail }]).map(({ path, message }) => {
          const protoPath = protoFieldPath(path);
          return { path: spec.violationPath?.(protoPath, body) ?? protoPath, message };
        });
      }
    }
    // An int64 out of range was left out of the body; the DTO's "missing" report for it would only repeat that.
    const reported = new Set(violations.map((violation) => violation.path));
    const all = [...violations, ...dtoViolations.filter((violation) => !reported.has(violation.path))];
    if (all.length > 0) throw ApiProblem.validation(`${all.length} field(s) failed validation`, all);
    return { dto: dto as Dto, ids, ...(expectedRevision === undefined ? {} : { expectedRevision }) };
  }

  /** A command's result → its target's reply message (Policy/Agent/ProductCommandResponse), with `etag` and the replay flag. */
  commandReply(
    call: GrpcCall,
    message: 'PolicyCommandResponse' | 'AgentCommandResponse' | 'ProductCommandResponse',
    result: WrittenEvents,
  ) {
    sendResponseMetadata(call, result.revision, result.replayed);
    return this.schema.toMessage(message, result);
  }

  /** A view (REST JSON document) → its reply message, with `etag` = the revision it shows. */
  reply(call: GrpcCall, message: string, document: object, revision: number): JsonObject {
    sendResponseMetadata(call, revision);
    return this.schema.toMessage(message, document);
  }

  /** A document → message, without response metadata (stream items). */
  message(message: string, document: object): JsonObject {
    return this.schema.toMessage(message, document);
  }
}
