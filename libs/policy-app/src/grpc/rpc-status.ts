/**
 * Binary encoding of google.rpc.Status with ErrorInfo and BadRequest details (proto/google/rpc/*.proto), for the
 * `grpc-status-details-bin` trailer. Three small messages of strings, a varint and nested messages: written here
 * with the protobuf wire format directly rather than pulling in a protobuf runtime as a new dependency.
 */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
  readonly errorInfo: { readonly reason: string; readonly domain: string; readonly metadata?: Record<string, string> };
  readonly fieldViolations?: readonly { readonly field: string; readonly description: string }[];
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';

export function encodeRpcStatus(status: RpcStatus): Buffer {
  const errorInfo = Buffer.concat([
    stringField(1, status.errorInfo.reason),
    stringField(2, status.errorInfo.domain),
    ...Object.entries(status.errorInfo.metadata ?? {}).map(([key, value]) =>
      bytesField(3, Buffer.concat([stringField(1, key), stringField(2, value)])),
    ),
  ]);
  const details = [any('google.rpc.ErrorInfo', errorInfo)];
  if (status.fieldViolations !== undefined && status.fieldViolations.length > 0) {
    const badRequest = Buffer.concat(
      status.fieldViolations.map((violation) =>
        bytesField(1, Buffer.concat([stringField(1, violation.field), stringField(2, violation.description)])),
      ),
    );
    details.push(any('google.rpc.BadRequest', badRequest));
  }
  return Buffer.concat([
    status.code === 0 ? Buffer.alloc(0) : Buffer.concat([tag(1, 0), varint(status.code)]),
    stringField(2, status.message),
    ...details.map((detail) => bytesField(3, detail)),
  ]);
}

function any(typeName: string, value: Buffer): Buffer {
  return Buffer.concat([stringField(1, `${TYPE_URL_PREFIX}${typeName}`), bytesField(2, value)]);
}

function stringField(fieldNumber: number, value: string): Buffer {
  return value === '' ? Buffer.alloc(0) : bytesField(fieldNumber, Buffer.from(value, 'utf8'));
}

function bytesField(fieldNumber: number, value: Buffer): Buffer {
  return Buffer.concat([tag(fieldNumber, 2), varint(value.length), value]);
}

function tag(fieldNumber: number, wireType: 0 | 2): Buffer {
  return varint((fieldNumber << 3) | wireType);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
