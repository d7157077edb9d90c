/** Event data as readable lines for the audit trail (`policyctl replay`). */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const MAX_LINE = 240;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMoney(value: Json): value is { amount: number; currency: string } {
  return (
    isObject(value) &&
    Object.keys(value).length === 2 &&
    typeof value.amount === 'number' &&
    typeof value.currency === 'string'
  );
}

function scalar(value: string | number | boolean | null): string {
  if (typeof value === 'string') return /[\s=,{}[\]:]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return String(value);
}

/** A value shown on its member's line: a scalar, money, a list of scalars, or an object of such values. */
function isFlat(value: Json, nested = false): boolean {
  if (!isObject(value) && !Array.isArray(value)) return true;
  if (isMoney(value)) return true;
  if (Array.isArray(value)) return value.every((item) => !isObject(item) && !Array.isArray(item));
  return !nested && Object.values(value).every((member) => isFlat(member, true));
}

function flat(value: Json): string {
  if (!isObject(value) && !Array.isArray(value)) return scalar(value);
  if (isMoney(value)) return `${value.amount} ${value.currency}`;
  if (Array.isArray(value)) return `[${value.map(flat).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, member]) => `${key}=${flat(member)}`)
    .join(', ')}}`;
}

function truncate(line: string, maxLength: number): string {
  return line.length <= maxLength ? line : `${line.slice(0, maxLength - 1)}…`;
}

function describe(label: string, object: JsonObject, lines: string[], maxLength: number): void {
  const inline: string[] = [];
  const expanded: [string, Json][] = [];
  for (const [key, value] of Object.entries(object)) {
    if (isFlat(value)) inline.push(`${key}=${flat(value)}`);
    else expanded.push([key, value]);
  }
  if (inline.length > 0 || label === '') {
    lines.push(truncate(`${label === '' ? '' : `${label}: `}${inline.join(' ')}`, maxLength));
  }
  for (const [key, value] of expanded) {
    const path = label === '' ? key : `${label}.${key}`;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (isObject(item)) describe(`${path}[${index}]`, item, lines, maxLength);
        else lines.push(truncate(`${path}[${index}]: ${flat(item)}`, maxLength));
      });
    } else {
      describe(path, value as JsonObject, lines, maxLength);
    }
  }
}

/**
 * The data's members as lines: first `key=value …` of its simple members (money as `500000 CNY`, lists of scalars
 * and objects of simple values inline), then one line per item of a list of objects (`changes[0]: kind=CONTACT …`)
 * and per nested object (`changes[1].newInsured: …`), so every change of an endorsement is shown. Lines longer than
 * `maxLength` are cut with `…`.
 */
export function describeEventData(data: Record<string, unknown>, maxLength = MAX_LINE): string[] {
  const lines: string[] = [];
  describe('', data as JsonObject, lines, maxLength);
  // Data with only nested members starts with its first nested line.
  return lines[0] === '' && lines.length > 1 ? lines.slice(1) : lines;
}
