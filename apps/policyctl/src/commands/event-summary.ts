/** One-line summaries of event data for the audit trail (`policyctl replay`). */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MAX_LINE = 200;

function isMoney(value: Json): value is { amount: number; currency: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 2 &&
    typeof value.amount === 'number' &&
    typeof value.currency === 'string'
  );
}

function scalar(value: string | number | boolean | null): string {
  if (typeof value === 'string') return /[\s=,{}[\]]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return String(value);
}

/** A member's value: nested objects are shown one level deep (depth 1 = a member of the data). */
function summarize(value: Json, depth: number): string {
  if (value === null || typeof value !== 'object') return scalar(value);
  if (isMoney(value)) return `${value.amount} ${value.currency}`;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) {
      return `[${value.map((item) => summarize(item, depth + 1)).join(', ')}]`;
    }
    return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  }
  const entries = Object.entries(value);
  if (depth > 1) return `{${entries.length} fields}`;
  return `{${entries.map(([key, member]) => `${key}=${summarize(member, depth + 1)}`).join(', ')}}`;
}

/** `key=value …` of the data's members: money as `500000 CNY`, nested objects one level deep, then truncated. */
export function summarizeEventData(data: Record<string, unknown>, maxLength = MAX_LINE): string {
  const text = Object.entries(data as Record<string, Json>)
    .map(([key, value]) => `${key}=${summarize(value, 1)}`)
    .join(' ');
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
