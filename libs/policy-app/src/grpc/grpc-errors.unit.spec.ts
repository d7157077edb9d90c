import { status as GrpcStatus } from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import { decodeRpcStatus, protoFields } from '../../test/support/grpc-client';
import { issuePolicyBody } from '../../test/support/fixtures';
import { ApiProblem } from '../problem/api-problem';
import { MAX_STATUS_DETAILS_BYTES, VIOLATION_COUNT_METADATA, grpcErrorOf } from './grpc-errors';
import { MessageSchema } from './message-schema';
import { loadPolicyProtos, POLICY_PACKAGE } from './proto-files';

describe('gRPC error trailers stay small enough for HTTP/2 peers', () => {
  it('1,000 long field violations: the first ones that fit in 3 KiB, their total in ErrorInfo, a short message', () => {
    const problem = ApiProblem.validation(
      `${'d'.repeat(5_000)}`,
      Array.from({ length: 1_000 }, (_, index) => ({
        path: `beneficiaries.${index}.name`,
        message: 'm'.repeat(5_000),
      })),
    );
    const error = grpcErrorOf(problem, 'corr-1');
    const details = error.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(error.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error.details.length).toBeLessThanOrEqual(256);
    expect(details.length).toBeLessThanOrEqual(MAX_STATUS_DETAILS_BYTES);
    const status = decodeRpcStatus(details);
    expect(status.errorInfo).toEqual({
      reason: 'VALIDATION_FAILED',
      domain: 'policy-servicing',
      metadata: { [VIOLATION_COUNT_METADATA]: '1000' },
    });
    expect(status.fieldViolations.length).toBeGreaterThan(5);
    expect(status.fieldViolations[0]).toEqual({ field: 'beneficiaries[0].name', description: expect.any(String) });
  });

  it('a few violations are all sent, without a count', () => {
    const problem = ApiProblem.validation('2 field(s) failed validation', [
      { path: 'paidOn', message: 'paidOn must be a real calendar date' },
      { path: 'amount.amount', message: 'amount must be an integer number' },
    ]);
    const status = decodeRpcStatus(grpcErrorOf(problem, 'corr-2').metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(status.errorInfo?.metadata).toEqual({});
    expect(status.fieldViolations.map((violation) => violation.field)).toEqual(['paid_on', 'amount.amount']);
  });
});

describe('request width is checked on the wire, before decoding', () => {
  const definition = loadPolicyProtos();
  const schema = new MessageSchema(definition, POLICY_PACKAGE);
  const issuePolicy = (definition['policy.v1.PolicyCommandService'] as ServiceDefinition)
    .IssuePolicy as MethodDefinition<object, object>;
  const varint = (value: number): number[] =>
    value < 0x80 ? [value] : [(value & 0x7f) | 0x80, ...varint(Math.floor(value / 128))];
  const tagged = (fieldNumber: number, value: Buffer) =>
    Buffer.concat([Buffer.from([(fieldNumber << 3) | 2, ...varint(value.length)]), value]);

  it('a valid request passes', () => {
    const bytes = issuePolicy.requestSerialize(protoFields(issuePolicyBody('P-WIRE-1')));
    expect(schema.widthProblem('IssuePolicyRequest', bytes)).toBeUndefined();
  });

  it('1,001 entries of a repeated field → that field', () => {
    const bytes = Buffer.concat(Array(1_001).fill(tagged(6, Buffer.alloc(0))));
    expect(schema.widthProblem('IssuePolicyRequest', bytes)).toEqual({
      path: 'beneficiaries',
      message: 'must contain no more than 1000 elements',
    });
  });

  it('a nested repeated field is named by its proto path', () => {
    // ChangeContractRequest.changes[0].premium_frequency (6).rider_premiums (3) × 1,001.
    const riderPremiums = Buffer.concat(Array(1_001).fill(tagged(3, Buffer.alloc(0))));
    const change = tagged(4, tagged(6, riderPremiums));
    expect(schema.widthProblem('ChangeContractRequest', change)).toEqual({
      path: 'changes[0].premium_frequency.rider_premiums',
      message: 'must contain no more than 1000 elements',
    });
  });

  it('more than 2,000 messages in all → the request', () => {
    // 900 beneficiaries, 900 riders, 900 survival benefits: within each field's bound, over the total.
    const bytes = Buffer.concat([6, 11, 12].flatMap((field) => Array(900).fill(tagged(field, Buffer.alloc(0)))));
    expect(schema.widthProblem('IssuePolicyRequest', bytes)?.path).toBe('');
  });

  it('bytes it cannot read are left to the decoder', () => {
    expect(schema.widthProblem('IssuePolicyRequest', Buffer.from([0x0a, 0xff, 0xff]))).toBeUndefined();
  });
});
