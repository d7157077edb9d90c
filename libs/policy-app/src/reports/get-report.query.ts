import { Query } from '@nestjs/cqrs';
import type { ReportResult } from './report-items';
import type { ReportRequest } from './report-request';

/** One page of a report from the read models, with how far they have caught up (REST and gRPC). */
export class GetReportQuery extends Query<ReportResult<object>> {
  constructor(readonly request: ReportRequest) {
    super();
  }
}
