import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module';
import { GetReportHandler } from './get-report.handler';
import { ReportsController } from './reports.controller';

/**
 * The reports of DESIGN 5 over REST; the gRPC ReportService runs the same GetReportQuery handler. Reports are the
 * main expensive reads, so this module brings in their per-key limits (LimitsModule, global).
 */
@Module({
  imports: [LimitsModule],
  controllers: [ReportsController],
  providers: [GetReportHandler],
})
export class ReportsModule {}
