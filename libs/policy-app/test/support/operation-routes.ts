import { OPERATION_TARGETS, type AnyOperation } from '../../src/operations/operation';
import { OPERATIONS } from '../../src/operations/operations';

/**
 * The REST path of every operation (POST), with its path parameters filled from `values` (by parameter name: `id`,
 * `reminderId`, `endorsementNo`, …; `id` may differ per target). Tests that must cover every command route take
 * their list from here, so a new operation is covered without editing them.
 */
export function operationPaths(
  values: (operation: AnyOperation) => Readonly<Record<string, string>>,
): { readonly operation: AnyOperation; readonly path: string }[] {
  return OPERATIONS.map((operation) => {
    const template = [OPERATION_TARGETS[operation.target].prefix, operation.rest.path].filter(Boolean).join('/');
    const given = values(operation);
    const path = `/${template}`.replace(/:(\w+)/g, (_, name: string) => {
      const value = given[name];
      if (value === undefined) throw new Error(`operationPaths: no value for :${name} of ${operation.name}`);
      return value;
    });
    return { operation, path };
  });
}

/** The OpenAPI template of every operation's path: `/v1/policies/{id}/lapses`. */
export function operationPathTemplates(): { readonly operation: AnyOperation; readonly path: string }[] {
  return operationPaths((operation) =>
    Object.fromEntries(
      [OPERATION_TARGETS[operation.target].routeParam, ...Object.keys(operation.rest.ids)].map(
        (name) => [name, `{${name}}`] as const,
      ),
    ),
  );
}
