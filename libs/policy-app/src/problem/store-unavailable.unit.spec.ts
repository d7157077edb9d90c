import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Response } from 'express';
import { EventStoreUnavailableError, UnreadableEventError, type StoreUnavailableReason } from '@lib/event-sourcing';
import { grpcStatusOf } from '../grpc/grpc-errors';
import { ApiProblem } from './api-problem';
import { toApiProblem } from './error-classification';
import { httpStatusOf, retryAfterOf, sendProblem } from './http-problem';

/** A store that cannot serve now, and an event this version cannot read, are 503 (gRPC UNAVAILABLE), never 500. */
describe('classification of store unavailability and unreadable events', () => {
  const REASONS: [StoreUnavailableReason, number][] = [
    ['disk-full', 30],
    ['read-only', 30],
    ['io-error', 5],
    ['writer-stopped', 5],
    ['unreachable', 5],
    ['busy', 1],
  ];

  it.each(REASONS)(
    'a refused write (%s) → 503 SERVICE_UNAVAILABLE, Retry-After %i s, gRPC UNAVAILABLE',
    (reason, seconds) => {
      const problem = toApiProblem(new EventStoreUnavailableError(reason, 'Append to policy-P-1 refused: x'));

      expect([httpStatusOf(problem.kind), problem.code, retryAfterOf(problem)]).toEqual([
        503,
        'SERVICE_UNAVAILABLE',
        seconds,
      ]);
      expect(grpcStatusOf(problem)).toBe(GrpcStatus.UNAVAILABLE);
      expect(problem.detail).not.toContain('policy-P-1'); // the driver's words stay in the log
    },
  );

  it('an error the configured store calls unavailable (EventStoreDB out of reach) → 503 with Retry-After', () => {
    const offline = new Error('14 UNAVAILABLE: No connection established');
    const problem = toApiProblem(offline, (error) => error === offline);

    expect([httpStatusOf(problem.kind), problem.code, retryAfterOf(problem)]).toEqual([503, 'SERVICE_UNAVAILABLE', 5]);
  });

  it('an unreadable event → 503 EVENT_VERSION_UNSUPPORTED naming stream, revision, type and version', () => {
    const problem = toApiProblem(new UnreadableEventError('policy-P-1', 7, 'PolicyTeleported', 3));

    expect([httpStatusOf(problem.kind), problem.code, retryAfterOf(problem)]).toEqual([
      503,
      'EVENT_VERSION_UNSUPPORTED',
      60,
    ]);
    expect(problem.detail).toMatch(/policy-P-1.*revision 7.*PolicyTeleported v3/);
    expect(grpcStatusOf(problem)).toBe(GrpcStatus.UNAVAILABLE);
  });

  it('a driver error that is not a known refusal stays a 500 (a bug is not hidden as "retry later")', () => {
    const corrupt = Object.assign(new Error('database disk image is malformed'), { errcode: 11 });

    expect(httpStatusOf(toApiProblem(corrupt).kind)).toBe(500);
  });

  it('Retry-After goes with every 503 (a default when none is named), and with no other status', () => {
    const headers = new Map<string, string>();
    const response = {
      setHeader: (name: string, value: string) => headers.set(name, value),
      status: () => response,
      type: () => response,
      send: () => response,
    } as unknown as Response;

    sendProblem(response, new ApiProblem('UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'read models down'));
    expect(headers.get('Retry-After')).toBe('5');
    headers.clear();
    sendProblem(response, new ApiProblem('BUSINESS_RULE', 'POLICY_CLOSED', 'closed'));
    expect(headers.has('Retry-After')).toBe(false);
  });
});
