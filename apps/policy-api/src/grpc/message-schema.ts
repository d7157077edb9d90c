import type { MessageTypeDefinition, PackageDefinition } from '@grpc/proto-loader';
import type { FieldError } from '../problem/api-problem';

/** The part of a protobuf FieldDescriptorProto the mapping needs (proto-loader keeps the descriptors). */
interface FieldDescriptor {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly typeName: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PlainObject = Record<string, unknown>;

const INT64_TYPES = new Set(['TYPE_INT64', 'TYPE_UINT64', 'TYPE_SINT64', 'TYPE_FIXED64', 'TYPE_SFIXED64']);
const STRUCT = 'google.protobuf.Struct';
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export const camelCase = (name: string): string =>
  name.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
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
export function toStruct(json: { [key: string]: Json }): PlainObject {
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
