import { Command, type CommandBus } from '@nestjs/cqrs';
import { Counter, Histogram, Registry } from 'prom-client';
import { parseExposition, type ParsedExposition } from '@lib/worker-runtime/testing';
import type { EventStoreHandle } from '../event-store/event-store.module';
import { ApiProblem, PROBLEM_CODES } from '../problem/api-problem';
import { CommandMetrics } from './command-metrics';
import { GrpcMetrics } from './grpc-metrics';
import { HttpMetrics, UNROUTED } from './http-metrics';

/** Each recorder counts into the registry it is given (the app's, in the app). */
async function scrape(registry: Registry): Promise<ParsedExposition> {
  return parseExposition(await registry.metrics());
}

afterEach(() => jest.restoreAllMocks());

describe('HttpMetrics', () => {
  it('counts by method, route template and status; the histogram by status class', async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    metrics.record('GET', '/v1/policies/:id', 200, 0.003);
    metrics.record('GET', '/v1/policies/:id', 200, 0.2);
    metrics.record('GET', '/v1/policies/:id', 404, 0.001);
    const parsed = await scrape(registry);
    expect(parsed.families.get('policy_api_http_requests_total')?.type).toBe('counter');
    expect(parsed.families.get('policy_api_http_request_duration_seconds')?.type).toBe('histogram');
    const route = { method: 'GET', route: '/v1/policies/:id' };
    expect(parsed.value('policy_api_http_requests_total', { ...route, status: '200' })).toBe(2);
    expect(parsed.value('policy_api_http_requests_total', { ...route, status: '404' })).toBe(1);
    expect(parsed.value('policy_api_http_request_duration_seconds_count', { ...route, status_class: '2xx' })).toBe(2);
    expect(
      parsed.value('policy_api_http_request_duration_seconds_bucket', { ...route, status_class: '2xx', le: '0.005' }),
    ).toBe(1);
    expect(parsed.value('policy_api_http_request_duration_seconds_count', { ...route, status_class: '4xx' })).toBe(1);
  });

  it('an unusual method is counted as OTHER, so clients cannot grow the label set', async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    metrics.record('PROPFIND', UNROUTED, 404, 0.001);
    const parsed = await scrape(registry);
    expect(parsed.value('policy_api_http_requests_total', { method: 'OTHER', route: UNROUTED, status: '404' })).toBe(1);
  });

  it('resolves the label children of a method, route and status once: later requests only add numbers', async () => {
    const counterLabels = jest.spyOn(Counter.prototype, 'labels');
    const histogramLabels = jest.spyOn(Histogram.prototype, 'labels');
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    for (let request = 0; request < 1000; request++) metrics.record('GET', '/v1/policies/:id', 200, 0.002);
    metrics.record('GET', '/v1/policies/:id', 404, 0.002);
    expect(counterLabels).toHaveBeenCalledTimes(2);
    expect(histogramLabels).toHaveBeenCalledTimes(2);
    const parsed = await scrape(registry);
    const route = { method: 'GET', route: '/v1/policies/:id' };
    expect(parsed.value('policy_api_http_requests_total', { ...route, status: '200' })).toBe(1000);
    expect(parsed.value('policy_api_http_request_duration_seconds_count', { ...route, status_class: '2xx' })).toBe(
      1000,
    );
  });

  it('writes a route template with quotes, backslashes and line feeds so that a strict parser reads it back', async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    const hostile = 'a "quoted" \\ back\nslash } , =';
    metrics.record('GET', hostile, 200, 0.001);
    const parsed = await scrape(registry);
    expect(parsed.value('policy_api_http_requests_total', { method: 'GET', route: hostile, status: '200' })).toBe(1);
  });
});

describe('GrpcMetrics', () => {
  it('splits the method path into service and method, and names the status code', async () => {
    const registry = new Registry();
    const metrics = new GrpcMetrics(registry);
    const path = '/policy.v1.PolicyQueryService/GetPolicy';
    metrics.record(path, 0, 0.002);
    metrics.record(path, 16, 0.001);
    metrics.record(path, 99, 0.001);
    const parsed = await scrape(registry);
    const method = { service: 'policy.v1.PolicyQueryService', method: 'GetPolicy' };
    expect(parsed.value('policy_api_grpc_server_handled_total', { ...method, code: 'OK' })).toBe(1);
    expect(parsed.value('policy_api_grpc_server_handled_total', { ...method, code: 'UNAUTHENTICATED' })).toBe(1);
    expect(parsed.value('policy_api_grpc_server_handled_total', { ...method, code: 'UNKNOWN' })).toBe(1);
    expect(parsed.value('policy_api_grpc_server_handling_seconds_count', method)).toBe(3);
  });
});

describe('CommandMetrics', () => {
  class PayPremiumCommand extends Command<unknown> {
    constructor(readonly outcome: () => unknown) {
      super();
    }
  }
  const storeDown = new Error('connection refused');

  /** A command bus whose handler does what each command says; the metrics wrap its execute. */
  function meteredBus(): { bus: CommandBus; registry: Registry } {
    const bus = {
      execute: async (command: PayPremiumCommand) => command.outcome(),
    } as unknown as CommandBus;
    const eventStore = { isUnavailableError: (error: unknown) => error === storeDown } as EventStoreHandle;
    const registry = new Registry();
    new CommandMetrics(bus, eventStore, registry).onModuleInit();
    return { bus, registry };
  }

  it('classifies every outcome by the code the caller gets, and passes results and errors through', async () => {
    const { bus, registry } = meteredBus();
    const run = (outcome: () => unknown) => bus.execute(new PayPremiumCommand(outcome));
    const written = { revision: 3, events: [{ type: 'PremiumPaid' }], replayed: false };
    await expect(run(() => written)).resolves.toBe(written);
    await run(() => ({ revision: 3, events: [{ type: 'PremiumPaid' }], replayed: true }));
    await run(() => ({ revision: 3, events: [], replayed: false }));
    const rule = new ApiProblem('BUSINESS_RULE', 'PREMIUM_AMOUNT_MISMATCH', 'wrong amount');
    await expect(run(() => Promise.reject(rule))).rejects.toBe(rule);
    for (const [kind, code] of [
      ['CONFLICT', PROBLEM_CODES.CONCURRENCY_CONFLICT],
      ['PRECONDITION_FAILED', PROBLEM_CODES.PRECONDITION_FAILED],
      ['CONFLICT', PROBLEM_CODES.POLICY_ALREADY_EXISTS],
    ] as const) {
      await expect(run(() => Promise.reject(new ApiProblem(kind, code, '')))).rejects.toBeInstanceOf(ApiProblem);
    }
    await expect(run(() => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
    await expect(run(() => Promise.reject(storeDown))).rejects.toBe(storeDown);

    const parsed = await scrape(registry);
    const count = (outcome: string, code?: string) =>
      parsed.value('policy_api_commands_total', { command: 'PayPremium', outcome, ...(code && { code }) });
    expect(count('created')).toBe(1);
    expect(count('replayed')).toBe(1);
    expect(count('unchanged')).toBe(1);
    expect(count('rejected', 'PREMIUM_AMOUNT_MISMATCH')).toBe(1);
    expect(count('rejected', 'POLICY_ALREADY_EXISTS')).toBe(1);
    expect(count('conflict', 'CONCURRENCY_CONFLICT')).toBe(1);
    expect(count('conflict', 'PRECONDITION_FAILED')).toBe(1);
    expect(count('failed', 'INTERNAL_ERROR')).toBe(1);
    expect(count('failed', 'SERVICE_UNAVAILABLE')).toBe(1);
  });

  it("shows a command's success outcomes from its first use (0 until they happen), refusals once they happen", async () => {
    const { bus, registry } = meteredBus();
    await bus.execute(
      new PayPremiumCommand(() => ({ revision: 0, events: [{ type: 'PremiumPaid' }], replayed: false })),
    );
    const parsed = await scrape(registry);
    const count = (outcome: string) => parsed.value('policy_api_commands_total', { command: 'PayPremium', outcome });
    expect([count('created'), count('replayed'), count('unchanged')]).toEqual([1, 0, 0]);
    expect(parsed.samples('policy_api_commands_total')).toHaveLength(3);
  });
});
