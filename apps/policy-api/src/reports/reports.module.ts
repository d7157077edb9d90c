import { Module } from '@nestjs/common';
import { GetReportHandler } from './get-report.handler';
import { ReportsController } from './reports.controller';

/** The reports of DESIGN 5 over REST; the gRPC ReportService runs the same GetReportQuery handler. */
@Module({
  controllers: [ReportsController],
  providers: [GetReportHandler],
})
export class ReportsModule {}
