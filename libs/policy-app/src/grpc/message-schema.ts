import type { MessageTypeDefinition, PackageDefinition } from '@grpc/proto-loader';
import type { FieldError } from '../problem/api-problem';
import { MAX_ARRAY_ITEMS, MAX_BODY_CONTAINERS, MAX_BODY_DEPTH } from '../problem/validation';

/** The part of a protobuf FieldDescriptorProto the mapping needs (proto-loader keeps the descriptors). */
interface FieldDescriptor {
  readonly name: string;
  readonly number: number;
  readonly label: string;
  readonly type: string;
  readonly typeName: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PlainObject = Record<string, unknown>;

const INT64_TYPES = new Set(['TYPE_INT64', 'TYPE_UINT64', 'TYPE_SINT64', 'TYPE_FIXED64', 'TYPE_SFIXED64']);
const STRUCT = 'google.protobuf.Struct';
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const camelCase = (name: string): string => name.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
export const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`);

/**
 * Maps between protobuf messages (as proto-loader decodes them: proto field names, int64 as strings) and the JSON
 * shapes of the REST API (camelCase members, integer numbers), driven by the message descriptors, so each
 * request/reply needs no hand-written mapping and the proto field `share_percent` is the JSON `sharePercent`.
 */
export class MessageSchema {
  private readonly fieldsByType = new Map<string, readonly FieldDescriptor[]>();

  constructor(
    private readonly definition: PackageDefinition,
    private readonly packageName: string,
  ) {}

  /**
   * A decoded request message → the REST body shape. Empty strings count as unset (proto3 cannot tell them apart),
   * int64 values become numbers when they are safe integers ≥ 0 and are reported (with their proto path) otherwise.
   */
  toJson(typeName: string, message: PlainObject): { value: PlainObject; violations: FieldError[] } {
    const violations: FieldError[] = [];
    return { value: this.messageToJson(typeName, message, '', violations), violations };
  }

  /**
   * The width limits of REST bodies (MAX_BODY_CONTAINERS, MAX_ARRAY_ITEMS, MAX_BODY_DEPTH), checked on a request's
   * wire bytes before they are decoded: 256 KiB hold ~128,000 empty entries of a repeated field, which take protobufjs
   * 100–500 ms to decode (with their default values). Counts the messages in it, and the entries of each repeated
   * field, from the tags and length prefixes alone: linear in the bytes, no allocation per entry. Bytes it cannot
   * read are left for the decoder to refuse.
   * @returns the first exceeded limit as a field error with its proto path, or undefined.
   */
  widthProblem(typeName: string, bytes: Uint8Array): FieldError | undefined {
    const pending: { type: string; start: number; end: number; depth: number; path: string }[] = [
      { type: typeName, start: 0, end: bytes.length, depth: 1, path: '' },
    ];
    let messages = 0;
    while (pending.length > 0) {
      const { type, start, end, depth, path } = pending.pop()!;
      if (++messages > MAX_BODY_CONTAINERS)
        return { path: '', message: `must contain no more than ${MAX_BODY_CONTAINERS} messages in all` };
      if (depth > MAX_BODY_DEPTH) return { path, message: `nested deeper than ${MAX_BODY_DEPTH} levels` };
      const fields = this.fieldsByNumber(type);
      const entries = new Map<number, number>();
      const reader = new WireReader(bytes, start, end);
      while (reader.more()) {
        const tag = reader.varint();
        if (tag === undefined) return undefined;
        const fieldNumber = Math.floor(tag / 8);
        const field = fields.get(fieldNumber);
        if (field?.label === 'LABEL_REPEATED') {
          const count = (entries.get(fieldNumber) ?? 0) + 1;
          entries.set(fieldNumber, count);
          if (count > MAX_ARRAY_ITEMS)
            return { path: `${path}${field.name}`, message: `must contain no more than ${MAX_ARRAY_ITEMS} elements` };
        }
        const length = reader.skip(tag % 8);
        if (length === undefined) return undefined;
        if (field?.type === 'TYPE_MESSAGE' && this.hasFields(field.typeName)) {
          const index = field.label === 'LABEL_REPEATED' ? `[${(entries.get(fieldNumber) ?? 1) - 1}]` : '';
          const fieldPath = `${path}${field.name}${index}.`;
          pending.push({
            type: field.typeName,
            start: reader.position - length,
            end: reader.position,
            depth: depth + 1,
            path: fieldPath,
          });
        }
      }
    }
    return undefined;
  }

  /** A REST-shaped JSON document (view, reply) → the message object proto-loader encodes; null members are omitted. */
  toMessage(typeName: string, json: object): PlainObject {
    const message: PlainObject = {};
    for (const field of this.fields(typeName)) {
      const value = (json as PlainObject)[camelCase(field.name)];
      if (value === undefined || value === null) continue;
      message[field.name] =
        field.label === 'LABEL_REPEATED'
          ? (value as unknown[]).map((item) => this.valueToMessage(field, item))
          : this.valueToMessage(field, value);
    }
    return message;
  }

  private messageToJson(typeName: string, message: PlainObject, path: string, violations: FieldError[]): PlainObject {
    const json: PlainObject = {};
    for (const field of this.fields(typeName)) {
      const value = message[field.name];
      if (value === undefined || value === null) continue;
      const fieldPath = `${path}${field.name}`;
      if (field.label === 'LABEL_REPEATED') {
        json[camelCase(field.name)] = (value as unknown[]).map((item, index) =>
          this.valueToJson(field, item, `${fieldPath}[${index}]`, violations),
        );
        continue;
      }
      const converted = this.valueToJson(field, value, fieldPath, violations);
      if (converted !== undefined) json[camelCase(field.name)] = converted;
    }
    return json;
  }

  private valueToJson(field: FieldDescriptor, value: unknown, path: string, violations: FieldError[]): unknown {
    if (field.type === 'TYPE_MESSAGE')
      return this.messageToJson(field.typeName, value as PlainObject, `${path}.`, violations);
    if (field.type === 'TYPE_STRING' && value === '') return undefined;
    if (INT64_TYPES.has(field.type)) {
      const text = String(value);
      const integer = /^-?\d{1,20}$/.test(text) ? BigInt(text) : undefined;
      if (integer === undefined || integer < 0n || integer > MAX_SAFE) {
        violations.push({ path, message: `${path} must be an integer 0–${Number.MAX_SAFE_INTEGER}, got ${text}` });
        return undefined;
      }
      return Number(integer);
    }
    return value;
  }

  private valueToMessage(field: FieldDescriptor, value: unknown): unknown {
    if (field.type !== 'TYPE_MESSAGE') return value;
    if (this.resolve(field.typeName) === STRUCT) return toStruct(value as { [key: string]: Json });
    return this.toMessage(field.typeName, value as object);
  }

  private fields(typeName: string): readonly FieldDescriptor[] {
    const fullName = this.resolve(typeName);
    let fields = this.fieldsByType.get(fullName);
    if (fields === undefined) {
      const type = (this.definition[fullName] as MessageTypeDefinition<object, object>).type as {
        field: FieldDescriptor[];
      };
      fields = type.field;
      this.fieldsByType.set(fullName, fields);
    }
    return fields;
  }

  private readonly fieldsByNumberByType = new Map<string, ReadonlyMap<number, FieldDescriptor>>();

  private fieldsByNumber(typeName: string): ReadonlyMap<number, FieldDescriptor> {
    let byNumber = this.fieldsByNumberByType.get(typeName);
    if (byNumber === undefined) {
      byNumber = this.hasFields(typeName)
        ? new Map(this.fields(typeName).map((field) => [field.number, field]))
        : new Map<number, FieldDescriptor>();
      this.fieldsByNumberByType.set(typeName, byNumber);
    }
    return byNumber;
  }

  /** Whether the type is a message of the loaded package (well-known types such as Struct are not scanned). */
  private hasFields(typeName: string): boolean {
    try {
      const definition = this.definition[this.resolve(typeName)] as { type?: { field?: unknown } } | undefined;
      return Array.isArray(definition?.type?.field);
    } catch {
      return false;
    }
  }

  /** Type names in descriptors are relative to the package (`Money`) or fully qualified (`google.protobuf.Struct`). */
  private resolve(typeName: string): string {
    const name = typeName.startsWith('.') ? typeName.slice(1) : typeName;
    const qualified = `${this.packageName}.${name}`;
    if (this.definition[qualified] !== undefined) return qualified;
    if (this.definition[name] !== undefined) return name;
    throw new Error(`Unknown protobuf message type ${typeName}`);
  }
}

/** JSON → google.protobuf.Struct as proto-loader encodes it (protobufjs bundles struct.proto with camelCase names). */
function toStruct(json: { [key: string]: Json }): PlainObject {
  const fields: PlainObject = {};
  for (const [key, value] of Object.entries(json)) {
    if (value !== undefined) fields[key] = toValue(value);
  }
  return { fields };
}

function toValue(value: Json): PlainObject {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  switch (typeof value) {
    case 'number':
      return { numberValue: value };
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    default:
      return { structValue: toStruct(value) };
  }
}

/**
 * A REST field path (`beneficiaries.1.sharePercent`, as class-validator reports it) → the proto field path of
 * google.rpc.BadRequest (`beneficiaries[1].share_percent`).
 */
export function protoFieldPath(restPath: string): string {
  if (restPath === '') return '';
  return restPath
    .split('.')
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${snakeCase(segment)}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Reads protobuf wire-format keys and skips their values within [start, end), without decoding anything: the part of
 * a decoder that width checks need. Every read answers undefined when the bytes are cut short or malformed.
 */
class WireReader {
  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
    private readonly end: number,
  ) {}

  more(): boolean {
    return this.position < this.end;
  }

  /** A varint of at most 10 bytes (a number: exact up to 2^53, which covers tags and lengths). */
  varint(): number | undefined {
    let value = 0;
    let shift = 1;
    for (let read = 0; read < 10 && this.position < this.end; read++) {
      const byte = this.bytes[this.position++];
      if (byte < 0x80) return value + byte * shift;
      value += (byte & 0x7f) * shift;
      shift *= 128;
    }
    return undefined;
  }

  /** Skips the value of a field of this wire type; answers its length (length-delimited), else 0. */
  skip(wireType: number): number | undefined {
    switch (wireType) {
      case 0:
        return this.varint() === undefined ? undefined : 0;
      case 1:
        return this.advance(8) ? 0 : undefined;
      case 5:
        return this.advance(4) ? 0 : undefined;
      case 2: {
        const length = this.varint();
        return length !== undefined && this.advance(length) ? length : undefined;
      }
      default:
        return undefined; // groups (3, 4) are not used by proto3; 6 and 7 do not exist
    }
  }

  private advance(length: number): boolean {
    if (this.position + length > this.end) return false;
    this.position += length;
    return true;
  }
}
