import type { PipeTransform, Type } from '@nestjs/common';
import type { Aggregate, AppendedEvent, CurrentState } from '@lib/event-sourcing';
import {
  agentAggregate,
  agentStreamId,
  policyAggregate,
  policyStreamId,
  productAggregate,
  productStreamId,
  type AgentCommand,
  type AgentSnapshot,
  type PolicyCommand,
  type PolicyState,
  type ProductCommand,
  type ProductVersion,
  type RuleProfile,
} from '@lib/policy-domain';
import type { Permission, PermissionGrant } from '../auth/roles';
import { PolicyIdPipe } from '../common/id-params';
import { PROBLEM_CODES } from '../problem/api-problem';

/**
 * One servicing operation as data (STYLE "operations as data"): everything the API derives from it — the REST route
 * and its OpenAPI description, the gRPC method (the proto is the published contract, checked against the
 * descriptors by a test), the permission, the idempotency operation name and the metrics label (both `name`) — and
 * the one function that maps a validated request to its domain command, field by field.
 */
export interface Operation<
  Name extends string = string,
  Command = unknown,
  Dto extends object = object,
  Ids extends string = string,
  Extra = never,
> {
  /** The domain command type; also the rpc name, the idempotency operation and the metrics label. */
  readonly name: Name;
  /** The aggregate the command runs on (its stream, not-found code and response shape). */
  readonly target: OperationTargetName;
  /** Who may call it (DESIGN 2.5 and 3). `admin` may always. */
  readonly access: PermissionGrant;
  /** OpenAPI summary, e.g. `LapsePolicy (system)`. */
  readonly summary: string;
  /** The event type(s) written on success (OpenAPI). */
  readonly events: string;
  /** The request body class (class-validator): validates REST bodies and gRPC messages alike. */
  readonly dto: Type<Dto>;
  /**
   * A well-formed request body, shown in /docs (the OpenAPI test checks that it matches the schema and that the API
   * accepts it). The examples tell one story: agent AG-1001 services policy P2026000001, a 20-year endowment.
   */
  readonly example: Dto;
  readonly rest: {
    /** Route below the target's prefix, e.g. `:id/lapses` (`''` for a creating command). */
    readonly path: string;
    /** Path parameters (their proto fields have the same camelCase names) and the pipes that check them. */
    readonly ids: { readonly [Id in Ids]: IdParam };
    /** The command creates its stream: no If-Match. */
    readonly creates?: true;
    /** The body has no fields and may be left out; the text says so in OpenAPI. */
    readonly emptyBody?: string;
  };
  readonly grpc?: {
    /** The message's fields → the REST body, where the shapes differ (oneofs, proto3 empty lists). */
    readonly toBody?: (fields: Readonly<Record<string, unknown>>) => Record<string, unknown>;
    /** A DTO violation path → its proto field path, where the shapes differ. */
    readonly violationPath?: (path: string, body: Readonly<Record<string, unknown>>) => string;
  };
  /** The id of the target stream. */
  targetId(input: OperationInput<Dto, Ids, Extra>): string;
  /** The validated request → the domain command. `state` is passed only with `readsState`. */
  command(input: OperationInput<Dto, Ids, Extra>, state?: CurrentState<unknown>): Command | Promise<Command>;
  /** The command's context depends on the target's current state (read, build, append at that revision). */
  readonly readsState?: true;
  /** A finer permission decided on the request (checked after the route's `access`). */
  permissionFor?(dto: Dto): Permission;
  /** Reply fields beyond the written events (e.g. the reminder id assigned). */
  reply?(events: readonly AppendedEvent[]): Readonly<Record<string, string | number>>;
}

/** The policy, agent and product of the OpenAPI examples. */
export const EXAMPLE_POLICY_ID = 'P2026000001';
export const EXAMPLE_AGENT_ID = 'AG-1001';
export const EXAMPLE_PRODUCT_CODE = 'CN-ENDOW-20';

/** Money in the currency's minor unit (fen) for examples: 1,000,000 = CNY 10,000.00. */
export const exampleCny = (amount: number) => ({ amount, currency: 'CNY' });

/** A path parameter: its pipe (malformed → 400) and its OpenAPI description. */
interface IdParam {
  readonly pipe: new () => PipeTransform<string, string>;
  readonly description: string;
}

/** The policy id of a policy route (`/v1/policies/{id}/…`; the rpc's `policy_id`). */
export const POLICY_ID: IdParam = { pipe: PolicyIdPipe, description: 'Policy id' };

/** What a descriptor may use to build its command, besides the request. */
export interface OperationEnvironment {
  /** Today's business date. */
  readonly today: string;
  /** The configured jurisdiction's rule profile (DESIGN 2.4). */
  readonly ruleProfile: RuleProfile;
  /** The agent's current snapshot; null when not registered. */
  loadAgent(agentId: string): Promise<AgentSnapshot | null>;
  /** The latest published version of a product; null when it has none. */
  loadProduct(productCode: string): Promise<ProductVersion | null>;
  /**
   * The product version a policy was sold under (its `productCode`/`productVersion`); null when the policy records
   * none or does not exist. Versions never change, so this is served from memory once read.
   */
  loadSoldUnder(state: PolicyState): Promise<ProductVersion | null>;
}

export interface OperationInput<Dto, Ids extends string, Extra = never> {
  readonly dto: Dto;
  readonly ids: Readonly<Record<Ids, string>>;
  readonly env: OperationEnvironment;
  /** Set only by in-process callers (e.g. the orphan process manager's strategy); never from a request. */
  readonly extra?: Extra;
}

/** How commands of one aggregate run and answer. */
export interface OperationTarget {
  readonly aggregate: Aggregate<never, unknown, unknown>;
  streamId(id: string): string;
  readonly notFoundCode: string;
  /** The REST prefix and OpenAPI tag of its routes, and the name of the target's path parameter. */
  readonly prefix: string;
  readonly tag: string;
  readonly routeParam: 'id' | 'code';
  /** The reply field naming the target, and the reply message of PolicyCommandService. */
  readonly idField: 'policyId' | 'agentId' | 'productCode';
  readonly replyMessage: 'PolicyCommandResponse' | 'AgentCommandResponse' | 'ProductCommandResponse';
}

export const OPERATION_TARGETS = {
  policy: {
    aggregate: policyAggregate,
    streamId: policyStreamId,
    notFoundCode: PROBLEM_CODES.POLICY_NOT_FOUND,
    prefix: 'v1/policies',
    tag: 'policy commands',
    routeParam: 'id',
    idField: 'policyId',
    replyMessage: 'PolicyCommandResponse',
  },
  agent: {
    aggregate: agentAggregate,
    streamId: agentStreamId,
    notFoundCode: PROBLEM_CODES.AGENT_NOT_FOUND,
    prefix: 'v1/agents',
    tag: 'agents',
    routeParam: 'id',
    idField: 'agentId',
    replyMessage: 'AgentCommandResponse',
  },
  product: {
    aggregate: productAggregate,
    streamId: productStreamId,
    notFoundCode: PROBLEM_CODES.PRODUCT_NOT_FOUND,
    prefix: 'v1/products',
    tag: 'products',
    routeParam: 'code',
    idField: 'productCode',
    replyMessage: 'ProductCommandResponse',
  },
} as const satisfies Record<string, OperationTarget>;

export type OperationTargetName = keyof typeof OPERATION_TARGETS;

/** A policy operation: its name is a policy command type and it builds that command. */
export type PolicyOperation<
  Name extends PolicyCommand['type'],
  Dto extends object,
  Ids extends string = 'policyId',
  Extra = never,
> = Operation<Name, Extract<PolicyCommand, { type: Name }>, Dto, Ids, Extra> & { readonly target: 'policy' };

export type AgentOperation<
  Name extends AgentCommand['type'],
  Dto extends object,
  Ids extends string = never,
> = Operation<Name, Extract<AgentCommand, { type: Name }>, Dto, Ids> & { readonly target: 'agent' };

export type ProductOperation<
  Name extends ProductCommand['type'],
  Dto extends object,
  Ids extends string = 'productCode',
> = Operation<Name, Extract<ProductCommand, { type: Name }>, Dto, Ids> & { readonly target: 'product' };

/** The state a `readsState` policy operation receives. */
export function policyStateOf(state: CurrentState<unknown> | undefined): PolicyState {
  if (state === undefined) throw new Error('readsState operation called without the loaded state');
  return state.state as PolicyState;
}

/** Any descriptor, as the generic REST, gRPC and command paths see it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = Operation<string, unknown, any, string, any>;

/** `IssuePolicy` → `issuePolicy`: the controller method name (OpenAPI operationId suffix). */
export function methodNameOf(operation: AnyOperation): string {
  return operation.name.charAt(0).toLowerCase() + operation.name.slice(1);
}
