import { Body, Controller, Inject, Param, Post, Res, type Type } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AgentCommandResponse } from '../agents/shared/agent-command-result';
import { RequirePermission } from '../auth/permission.decorator';
import { ApiCommand } from '../common/api-command.decorator';
import { commandResponse } from '../common/command-response';
import type { RequestContext } from '../common/request-context';
import { RestContext } from '../common/rest-context.decorator';
import { PolicyCommandResponse } from '../policies/shared/policy-command-result';
import { methodNameOf, OPERATION_TARGETS, type AnyOperation, type OperationTargetName } from './operation';
import { RunOperation } from './run-operation';

const RESPONSES: Record<OperationTargetName, Type<unknown>> = {
  policy: PolicyCommandResponse,
  agent: AgentCommandResponse,
};

/**
 * The REST command routes, one per descriptor: `POST /<target prefix>/<path>` with the descriptor's permission and
 * OpenAPI description; path ids through their pipes, the body through the global DtoValidationPipe (the descriptor's
 * DTO class is the parameter's design type), then the one command path (RunOperation).
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
    prototype[key] = async function (this: OperationsRestController, ...args: unknown[]): Promise<object> {
      const ids = Object.fromEntries(idNames.map((name, index) => [name, args[index] as string]));
      const [dto, context, response] = args.slice(idNames.length) as [object, RequestContext, Response];
      return commandResponse(response, await this.commands.execute(new RunOperation(operation, ids, dto, context)));
    };
    // Named as its key: Nest and Swagger read a method's metadata under `method.name`.
    Object.defineProperty(prototype[key], 'name', { value: key });
    const parameters: ParameterDecorator[] = [
      ...idNames.map((name) => Param(routeParamOf(target.idField, name), operation.rest.ids[name]!.pipe)),
      Body(),
      RestContext({ ifMatch: operation.rest.creates !== true }),
      Res({ passthrough: true }),
    ];
    parameters.forEach((decorate, index) => decorate(prototype, key, index));
    Reflect.defineMetadata(
      'design:paramtypes',
      [...idNames.map(() => String), operation.dto, Object, Object],
      prototype,
      key,
    );
    const methodDecorators: MethodDecorator[] = [
      Post([target.prefix, operation.rest.path].filter((part) => part !== '').join('/')),
      ApiTags(target.tag),
      RequirePermission(operation.access),
      ApiCommand({
        summary: operation.summary,
        response: RESPONSES[operation.target],
        events: operation.events,
        ifMatch: operation.rest.creates !== true,
      }),
      ...idNames.map((name) =>
        ApiParam({ name: routeParamOf(target.idField, name), description: operation.rest.ids[name]!.description }),
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

/** The target's id is the route's `:id` (`/v1/policies/{id}/…`); other ids keep their names. */
function routeParamOf(idField: string, name: string): string {
  return name === idField ? 'id' : name;
}
