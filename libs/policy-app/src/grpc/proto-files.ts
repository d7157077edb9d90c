import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/** The protobuf package of the published contract (`proto/policy/v1/*.proto`). */
export const POLICY_PACKAGE = 'policy.v1';
export const POLICY_COMMAND_SERVICE = 'PolicyCommandService';
export const POLICY_QUERY_SERVICE = 'PolicyQueryService';
export const REPORT_SERVICE = 'ReportService';

/** Everything served: the three services, and the google.rpc error details so reflection clients can decode them. */
const PROTO_FILES = [
  'policy/v1/policy_command_service.proto',
  'policy/v1/policy_query_service.proto',
  'policy/v1/report_service.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

/**
 * keepCase: the field names are those of the .proto files (also in reflection). longs: String, so an int64 beyond
 * 2^53 reaches us exactly and is rejected rather than silently rounded. defaults: an unset proto3 scalar reads as its
 * zero value (as proto3 defines it), while `optional` fields and messages stay absent.
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * The repository's `proto/` directory, found by walking up from this file: it works from the sources
 * (apps/policy-api/src/grpc) and from the build (dist/apps/policy-api/src/grpc), which does not copy .proto files.
 * Falls back to `<cwd>/proto`.
 */
export function protoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', PROTO_FILES[0]))) return join(dir, 'proto');
    if (dirname(dir) === dir) break;
  }
  const fromCwd = resolve(process.cwd(), 'proto');
  if (existsSync(join(fromCwd, PROTO_FILES[0]))) return fromCwd;
  throw new Error(`policy-api: cannot find the proto/ directory (looked above ${__dirname} and in ${process.cwd()})`);
}

export function loadPolicyProtos(root: string = protoRoot()): PackageDefinition {
  return loadSync(PROTO_FILES, { ...PROTO_LOADER_OPTIONS, includeDirs: [root] });
}
