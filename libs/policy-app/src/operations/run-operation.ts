import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Aggregate } from '@lib/event-sourcing';
import { isIssued, ruleProfileFor, type PolicyState, type RuleProfile } from '@lib/policy-domain';
import { loadAgentSnapshot } from '../agents/shared/load-agent-snapshot';
import { loadLatestProductVersion, ProductVersionCache } from '../products/load-product';
import { AuthService } from '../auth/auth.service';
import { CommandRunner, writtenEvents, type WrittenEvents } from '../common/command-runner';
import type { RequestContext } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  OPERATION_TARGETS,
  type AnyOperation,
  type Operation,
  type OperationEnvironment,
  type OperationInput,
} from './operation';

/** What every command answers: the written events, the target's id, and the operation's own reply fields. */
export type OperationResult = WrittenEvents & Readonly<Record<string, unknown>>;

/** One execution of an operation, from REST, gRPC, the scheduler or a process manager (the Nest command bus). */
export class RunOperation extends Command<OperationResult> {
  constructor(
    readonly operation: AnyOperation,
    readonly ids: Readonly<Record<string, string>>,
    readonly dto: object,
    readonly context: RequestContext,
    readonly extra?: unknown,
  ) {
    super();
  }
}

/** The typed way to build a RunOperation: ids, body and extra are checked against the descriptor. */
export function runOperation<Dto extends object, Ids extends string, Extra>(
  operation: Operation<string, unknown, Dto, Ids, Extra>,
  ids: Readonly<Record<Ids, string>>,
  dto: Dto,
  context: RequestContext,
  extra?: Extra,
): RunOperation {
  return new RunOperation(operation as AnyOperation, ids, dto, context, extra);
}

/**
 * The one command path: request → the descriptor's domain command → the command loop on the target's stream →
 * the written events. An Idempotency-Key is bound to the request's payload (its body and the ids below the target).
 */
@CommandHandler(RunOperation)
export class RunOperationHandler implements ICommandHandler<RunOperation, OperationResult> {
  private readonly ruleProfile: RuleProfile;
  private readonly productVersions: ProductVersionCache;

  constructor(
    private readonly runner: CommandRunner,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ruleProfile = ruleProfileFor(config.jurisdiction, {
      reinstatementInterestBasisPoints: config.reinstatementInterestBasisPoints,
    });
    this.productVersions = new ProductVersionCache(runner.store);
  }

  async execute({ operation, ids, dto, context, extra }: RunOperation): Promise<OperationResult> {
    const permission = operation.permissionFor?.(dto);
    if (permission !== undefined) this.auth.assertAllowed(context.actor, permission);
    const env: OperationEnvironment = {
      today: this.runner.today(),
      ruleProfile: this.ruleProfile,
      loadAgent: (agentId) => loadAgentSnapshot(this.runner.store, agentId),
      loadProduct: (productCode) => loadLatestProductVersion(this.runner.store, productCode),
      loadSoldUnder: (state: PolicyState) =>
        isIssued(state) && state.productVersion !== null
          ? this.productVersions.load(state.productCode, state.productVersion)
          : Promise.resolve(null),
    };
    const input: OperationInput<object, string, unknown> = { dto, ids, env, ...(extra === undefined ? {} : { extra }) };
    const target = OPERATION_TARGETS[operation.target];
    const aggregate = target.aggregate as Aggregate<unknown, unknown, unknown>;
    const targetId = operation.targetId(input);
    // The stream is the target: the other path ids (a reminder, an endorsement) are part of the request's payload.
    const { [target.idField]: _targetId, ...otherIds } = ids;
    const options = {
      operation: operation.name,
      payload: Object.keys(otherIds).length === 0 ? dto : { ...otherIds, ...dto },
      notFoundCode: target.notFoundCode,
      ...(operation.rest.creates ? { creates: true } : {}),
    };
    const streamId = target.streamId(targetId);
    const result = operation.readsState
      ? await this.runner.runWithLoadedState(
          aggregate,
          streamId,
          async (state) => operation.command(input, state),
          context,
          options,
        )
      : await this.runner.run(aggregate, streamId, await operation.command(input), context, options);
    return { [target.idField]: targetId, ...writtenEvents(result), ...operation.reply?.(result.events) };
  }
}
