import type { IncomingHttpHeaders } from 'node:http';
import { Body, Controller, Headers, Inject, Param, Post, Res, type Type } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AgentCommandResponse } from '../agents/shared/agent-command-result';
import { RequirePermission } from '../auth/permission.decorator';
import { ApiCommand } from '../common/api-command.decorator';
import { commandResponse } from '../common/command-response';
import { inCommandSpan, restCommandSpan } from '../common/command-span';
import type { RequestContext } from '../common/request-context';
import { RestContext } from '../common/rest-context.decorator';
import { PolicyCommandResponse } from '../policies/shared/policy-command-result';
import { ProductCommandResponse } from '../products/product-command-response';
import {
  methodNameOf,
  OPERATION_TARGETS,
  type AnyOperation,
  type OperationTarget,
  type OperationTargetName,
} from './operation';
import { RunOperation, type OperationResult } from './run-operation';

const RESPONSES: Record<OperationTargetName, Type<unknown>> = {
  policy: PolicyCommandResponse,
  agent: AgentCommandResponse,
  product: ProductCommandResponse,
};

/**
 * The REST command routes, one per descriptor: `POST /<target prefix>/<path>` with the descriptor's permission and
 * OpenAPI description; path ids through their pipes, the body through the global DtoValidationPipe (the descriptor's
 * DTO class is the parameter's design type), then the one command path (RunOperation), in a server span that
 * continues the caller's W3C `traceparent` header (command-span.ts).
 */
export function operationsRestController(operations: readonly AnyOperation[]): Type<unknown> {
  @Controller()
  class OperationsRestController {
    constructor(@Inject(CommandBus) readonly commands: CommandBus) {}
  }
  const prototype = OperationsRestController.prototype as unknown as Record<string, unknown>;
  for (const operation of operations) {
    const key = methodNameOf(operation);
    const idNames = Object.keys(operation.rest.ids);
    const target = OPERATION_TARGETS[operation.target];
    const path = [target.prefix, operation.rest.path].filter((part) => part !== '').join('/');
    const span = restCommandSpan(`/${path}`, operation.name);
    prototype[key] = async function (this: OperationsRestController, ...args: unknown[]): Promise<object> {
      const ids = Object.fromEntries(idNames.map((name, index) => [name, args[index] as string]));
      const [dto, context, response, headers] = args.slice(idNames.length) as [
        object,
        RequestContext,
        Response,
        IncomingHttpHeaders,
      ];
      const caller = { traceparent: headers.traceparent, tracestate: headers.tracestate };
      const result = await inCommandSpan<OperationResult>(span, caller, context, (traced) =>
        this.commands.execute(new RunOperation(operation, ids, dto, traced)),
      );
      return commandResponse(response, result);
    };
    // Named as its key: Nest and Swagger read a method's metadata under `method.name`.
    Object.defineProperty(prototype[key], 'name', { value: key });
    const parameters: ParameterDecorator[] = [
      ...idNames.map((name) => Param(routeParamOf(target, name), operation.rest.ids[name]!.pipe)),
      Body(),
      RestContext({ ifMatch: operation.rest.creates !== true }),
      Res({ passthrough: true }),
      Headers(),
    ];
    parameters.forEach((decorate, index) => decorate(prototype, key, index));
    Reflect.defineMetadata(
      'design:paramtypes',
      [...idNames.map(() => String), operation.dto, Object, Object, Object],
      prototype,
      key,
    );
    const methodDecorators: MethodDecorator[] = [
      Post(path),
      ApiTags(target.tag),
      RequirePermission(operation.access),
      ApiCommand({
        summary: operation.summary,
        response: RESPONSES[operation.target],
        events: operation.events,
        ifMatch: operation.rest.creates !== true,
      }),
      ...idNames.map((name) =>
        ApiParam({ name: routeParamOf(target, name), description: operation.rest.ids[name]!.description }),
      ),
      ...(operation.rest.emptyBody === undefined
        ? []
        : [ApiBody({ type: operation.dto, required: false, description: operation.rest.emptyBody })]),
    ];
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    for (const decorate of methodDecorators) decorate(prototype, key, descriptor);
  }
  return OperationsRestController;
}

/** The target's id is the route's `:id` (`/v1/policies/{id}/…`, `/v1/products/{code}/…`); other ids keep their names. */
function routeParamOf(target: OperationTarget, name: string): string {
  return name === target.idField ? target.routeParam : name;
}
