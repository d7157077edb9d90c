import { Module } from '@nestjs/common';
import { OPERATIONS } from './operations';
import { operationsRestController } from './operations-rest.controller';
import { RunOperationHandler } from './run-operation';

/** The servicing operations over REST (their gRPC methods are in GrpcModule) and the one command path. */
@Module({
  controllers: [operationsRestController(OPERATIONS)],
  providers: [RunOperationHandler],
})
export class OperationsModule {}
