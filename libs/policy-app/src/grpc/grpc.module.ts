import { Module } from '@nestjs/common';
import { GrpcHealth } from './grpc-health';
import { GRPC_PACKAGE_DEFINITION, GrpcMessages } from './grpc-messages';
import { OPERATIONS } from '../operations/operations';
import { operationsGrpcController } from '../operations/operations-grpc.controller';
import { PolicyQueryServiceController } from './policy-query-service.controller';
import { loadPolicyProtos } from './proto-files';
import { ReportServiceController } from './reports/report-service.controller';

/**
 * The gRPC API (DESIGN 4): controllers of PolicyCommandService, PolicyQueryService and ReportService over the same
 * command and query handlers as REST, the proto package definition (loaded once, shared with the transport), and
 * health.
 */
@Module({
  controllers: [operationsGrpcController(OPERATIONS), PolicyQueryServiceController, ReportServiceController],
  providers: [{ provide: GRPC_PACKAGE_DEFINITION, useFactory: () => loadPolicyProtos() }, GrpcMessages, GrpcHealth],
  exports: [GRPC_PACKAGE_DEFINITION, GrpcHealth],
})
export class GrpcModule {}
