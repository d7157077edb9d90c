/** Small SQL text helpers shared by both stores. */
import { type Clock } from '@lib/event-sourcing';

/** A SQL identifier we generate ourselves (schema, table or index name): lower-case letters, digits, underscores. */
const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkIdentifier(kind: string, name: string): string {
  if (!IDENTIFIER_PATTERN.test(name)) {
    throw new RangeError(`${kind} must match ${IDENTIFIER_PATTERN} (got ${JSON.stringify(name)})`);
  }
  return name;
}

const NAMED_PARAMETER = /(?<![:\w]):([A-Za-z_]\w*)/g;

/** `:name` parameters → `$1…$n` (PostgreSQL), with the values in that order; a repeated name reuses its number. */
export function toPositional(
  text: string,
  params: Readonly<Record<string, unknown>>,
): { readonly text: string; readonly values: unknown[] } {
  const names: string[] = [];
  const positional = text.replace(NAMED_PARAMETER, (_match, name: string) => {
    if (!(name in params)) throw new Error(`No value for SQL parameter :${name}`);
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text: positional, values: names.map((name) => params[name]) };
}

/** Random enough to keep concurrent rebuilds apart, sortable by start time. */
export function newRebuildId(clock: Clock, random = Math.random()): string {
  return `${Date.parse(clock.now()).toString(36)}${Math.floor(random * 36 ** 4)
    .toString(36)
    .padStart(4, '0')}`;
}
