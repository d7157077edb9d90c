import type { MethodDefinition } from '@grpc/proto-loader';
import { snakeCase } from '../grpc/message-schema';
import { loadPolicyProtos, POLICY_COMMAND_SERVICE, POLICY_PACKAGE } from '../grpc/proto-files';
import { OPERATION_TARGETS } from './operation';
import { OPERATIONS } from './operations';

/**
 * The proto is the published contract and the descriptors are the code: every descriptor has its rpc, request and
 * reply message, and every rpc of PolicyCommandService has its descriptor (a new operation without its proto, or an
 * rpc without its operation, fails here).
 */
describe('operations and the published proto', () => {
  const service = loadPolicyProtos()[`${POLICY_PACKAGE}.${POLICY_COMMAND_SERVICE}`] as Record<
    string,
    MethodDefinition<unknown, unknown>
  >;
  type MessageType = { name: string; field: { name: string }[] };
  const typeOf = (method: MethodDefinition<unknown, unknown>, side: 'requestType' | 'responseType') =>
    (method[side] as unknown as { type: MessageType }).type;

  it('every rpc of PolicyCommandService is an operation, and every operation is an rpc', () => {
    expect(Object.keys(service).sort()).toEqual(OPERATIONS.map((operation) => operation.name).sort());
  });

  it.each(OPERATIONS.map((operation) => [operation.name, operation] as const))(
    '%s: <name>Request → its target reply; path ids and example fields are message fields',
    (name, operation) => {
      const method = service[name]!;
      const request = typeOf(method, 'requestType');
      expect(request.name).toBe(`${name}Request`);
      expect(typeOf(method, 'responseType').name).toBe(OPERATION_TARGETS[operation.target].replyMessage);
      const fields = new Set(request.field.map((field) => field.name));
      const expected = [...Object.keys(operation.rest.ids), ...Object.keys(operation.example)].map(snakeCase);
      expect(expected.filter((field) => !fields.has(field))).toEqual([]);
    },
  );

  it('names, permissions and REST routes are unique', () => {
    const routes = OPERATIONS.map((operation) => `${operation.target} ${operation.rest.path}`);
    expect(new Set(routes).size).toBe(OPERATIONS.length);
    expect(new Set(OPERATIONS.map((operation) => operation.name)).size).toBe(OPERATIONS.length);
    expect(new Set(OPERATIONS.map((operation) => operation.access.name)).size).toBe(OPERATIONS.length);
  });
});
