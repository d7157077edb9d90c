import { snakeCase } from './message-schema';
import type { JsonObject } from './grpc-messages';

/**
 * The few places where a request message and its REST body differ in shape. proto3 has no absent list, so an empty
 * optional list (riders, survival benefits) is left out of the REST body, as a REST client would leave it out: the
 * two transports then hash the same request identically for idempotency keys.
 */
export function issuePolicyBody(fields: JsonObject): JsonObject {
  const body = { ...fields };
  for (const list of ['riders', 'survivalBenefits']) {
    if (Array.isArray(body[list]) && body[list].length === 0) delete body[list];
  }
  return body;
}

/**
 * `changes[]`: the oneof member set (`personalDetails: {…}`) → the REST object `{ kind: 'PERSONAL_DETAILS', … }`.
 * An empty `riderPremiums` (proto3 cannot leave a list out) is left out, as a REST client would leave it out.
 */
export function changeContractBody(fields: JsonObject): JsonObject {
  if (!Array.isArray(fields.changes)) return fields;
  return {
    ...fields,
    changes: (fields.changes as JsonObject[]).map((change) => {
      const [member] = Object.keys(change);
      if (member === undefined) return {};
      const body: JsonObject = { kind: snakeCase(member).toUpperCase(), ...(change[member] as JsonObject) };
      if (Array.isArray(body.riderPremiums) && body.riderPremiums.length === 0) delete body.riderPremiums;
      return body;
    }),
  };
}

/** DTO paths `changes[i].phone` → proto paths `changes[i].contact.phone` (the oneof member); `kind` → the oneof. */
export function changeViolationPath(path: string, body: JsonObject): string {
  const match = /^changes\[(\d+)\]\.(.+)$/.exec(path);
  if (match === null) return path;
  const [, index, rest] = match;
  if (rest === 'kind') return `changes[${index}].change`;
  const kind = ((body.changes as JsonObject[] | undefined)?.[Number(index)]?.kind ?? '') as string;
  return kind === '' ? path : `changes[${index}].${kind.toLowerCase()}.${rest}`;
}
