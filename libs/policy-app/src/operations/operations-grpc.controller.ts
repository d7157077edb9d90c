import { Controller, Inject, UseFilters, UseGuards, type Type } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { GrpcMethod } from '@nestjs/microservices';
import { RequirePermission } from '../auth/permission.decorator';
import { grpcCommandSpan, inCommandSpan } from '../common/command-span';
import { traceContextOf, type GrpcCall } from '../grpc/grpc-call';
import { GrpcAuthGuard } from '../grpc/grpc-auth.guard';
import { GrpcMessages, type JsonObject, type RequestSpec } from '../grpc/grpc-messages';
import { GrpcProblemFilter } from '../grpc/grpc-problem.filter';
import { POLICY_COMMAND_SERVICE, POLICY_PACKAGE } from '../grpc/proto-files';
import { methodNameOf, OPERATION_TARGETS, type AnyOperation } from './operation';
import { RunOperation } from './run-operation';

/**
 * PolicyCommandService, one rpc per descriptor (rpc = operation name, request message `<name>Request`): the message
 * becomes the REST body and is validated by the same DTO, path ids by the same pipes, then the one command path; the
 * result is the target's reply message with the response metadata (etag, replay flag). The command runs in a server
 * span that continues the caller's `traceparent` metadata entry (command-span.ts).
 */
export function operationsGrpcController(operations: readonly AnyOperation[]): Type<unknown> {
  @Controller()
  @UseGuards(GrpcAuthGuard)
  @UseFilters(GrpcProblemFilter)
  class OperationsGrpcController {
    constructor(
      @Inject(CommandBus) readonly commands: CommandBus,
      @Inject(GrpcMessages) readonly messages: GrpcMessages,
    ) {}
  }
  const prototype = OperationsGrpcController.prototype as unknown as Record<string, unknown>;
  for (const operation of operations) {
    const key = methodNameOf(operation);
    const spec: RequestSpec<object> & { dto: new () => object } = {
      message: `${operation.name}Request`,
      dto: operation.dto,
      ids: Object.fromEntries(Object.entries(operation.rest.ids).map(([name, id]) => [name, new id.pipe()])),
      ...(operation.grpc?.toBody === undefined ? {} : { toBody: operation.grpc.toBody }),
      ...(operation.grpc?.violationPath === undefined ? {} : { violationPath: operation.grpc.violationPath }),
    };
    const reply = OPERATION_TARGETS[operation.target].replyMessage;
    const span = grpcCommandSpan(`${POLICY_PACKAGE}.${POLICY_COMMAND_SERVICE}`, operation.name);
    prototype[key] = async function (
      this: OperationsGrpcController,
      request: JsonObject,
      _metadata: unknown,
      call: GrpcCall,
    ): Promise<JsonObject> {
      const { dto, ids, context } = this.messages.command(call, request, spec);
      const result = await inCommandSpan(span, traceContextOf(call), context, (traced) =>
        this.commands.execute(new RunOperation(operation, ids, dto, traced)),
      );
      return this.messages.commandReply(call, reply, result);
    };
    // Named as its key: Nest and Swagger read a method's metadata under `method.name`.
    Object.defineProperty(prototype[key], 'name', { value: key });
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    for (const decorate of [GrpcMethod(POLICY_COMMAND_SERVICE, operation.name), RequirePermission(operation.access)]) {
      decorate(prototype, key, descriptor);
    }
  }
  return OperationsGrpcController;
}
