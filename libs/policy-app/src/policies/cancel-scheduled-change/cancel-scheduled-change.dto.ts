/**
 * CancelScheduledChange takes no body fields: the body may be absent or `{}`, and any field is rejected as unknown
 * (see validateDto). The class gives REST and gRPC the same validation and OpenAPI a schema.
 */
export class CancelScheduledChangeDto {}
