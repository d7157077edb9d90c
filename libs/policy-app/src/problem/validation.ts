import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationTypes, type ValidationError } from 'class-validator';
import { ApiProblem, type FieldError } from './api-problem';

/**
 * Hostile input is bounded (DESIGN 7): a problem lists at most this many field errors (its detail gives the total),
 * and each path and message is cut to a few hundred characters, so an error document stays a few KiB whatever the
 * body (a 15 KB body of empty objects once produced a 6 MB error).
 */
export const MAX_FIELD_ERRORS = 20;
const MAX_PATH_LENGTH = 200;
const MAX_MESSAGE_LENGTH = 300;

/**
 * Width and depth limits of a body, checked before class-transformer and class-validator walk it: both do work per
 * object (class-validator builds an error object per element and rule), so a 255 KB array of `{}` took seconds.
 * Our largest valid bodies have 200 array elements (survivalBenefits), ~15 members per object, ~5 levels and fewer
 * than 1,000 objects and arrays in all (20 contract changes of 20 rider premiums each). The DTOs' own bounds
 * (ArrayMaxSize) are applied before the nested checks too (see boundNestedArrays). gRPC counts the same way on the
 * wire, before a message is decoded (MessageSchema.widthProblem).
 */
export const MAX_BODY_DEPTH = 16;
export const MAX_ARRAY_ITEMS = 1000;
export const MAX_OBJECT_MEMBERS = 100;
export const MAX_BODY_CONTAINERS = 2000;
/**
 * Member names an object inherits from Object.prototype (`valueOf`, `toString`, `hasOwnProperty`, `constructor`,
 * `__proto__`, …) and `prototype`. No DTO has a field of these names, and class-transformer silently drops a body
 * member whose name is a function on the instance, so class-validator never sees it: they are reported as unknown
 * fields here, before any object is built (`__proto__` and `constructor` would also reach the prototype).
 */
function isInheritedName(key: string): boolean {
  return key === 'prototype' || key in Object.prototype;
}

function bounded(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/**
 * The VALIDATION_FAILED problem for these field errors: the first MAX_FIELD_ERRORS listed, each bounded in length,
 * the total (when the caller counted more than it kept) in the detail.
 */
export function validationProblem(errors: readonly FieldError[], total = errors.length): ApiProblem {
  const listed = errors.slice(0, MAX_FIELD_ERRORS).map(({ path, message }) => ({
    path: bounded(path, MAX_PATH_LENGTH),
    message: bounded(message, MAX_MESSAGE_LENGTH),
  }));
  const detail =
    total > listed.length
      ? `${total} field(s) failed validation; the first ${listed.length} are listed`
      : `${total} field(s) failed validation`;
  return ApiProblem.validation(detail, listed);
}

/** A key path for error messages: `beneficiaries.3.name`, as class-validator reports paths. */
interface PathNode {
  readonly key: string;
  readonly parent: PathNode | undefined;
}

function pathOf(node: PathNode | undefined): string {
  const keys: string[] = [];
  for (let current = node; current !== undefined; current = current.parent) keys.push(current.key);
  return keys.reverse().join('.');
}

/**
 * The shape limits above, checked on a parsed JSON body (or a decoded message) before anything else looks at it:
 * nesting depth, array lengths, member counts, objects and arrays in all, and member names inherited from
 * Object.prototype (reported as unknown fields, like any other). Iterative and stopping at the first exceeded limit,
 * so a hostile body can neither overflow the stack nor stall here.
 * @returns the first exceeded limit, else the inherited names used as members, else undefined.
 */
export function bodyShapeProblem(body: unknown, what = 'request body'): ApiProblem | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const unknownFields: FieldError[] = [];
  let unknownFieldCount = 0;
  const pending: [object, number, PathNode | undefined][] = [[body, 1, undefined]];
  let containers = 0;
  while (pending.length > 0) {
    const [value, depth, path] = pending.pop()!;
    if (++containers > MAX_BODY_CONTAINERS) {
      return ApiProblem.validation(`The ${what} has more than ${MAX_BODY_CONTAINERS} objects and arrays`, [
        { path: '', message: `must contain no more than ${MAX_BODY_CONTAINERS} objects and arrays in all` },
      ]);
    }
    if (depth > MAX_BODY_DEPTH) {
      return ApiProblem.validation(`The ${what} is nested deeper than ${MAX_BODY_DEPTH} levels`, [
        { path: bounded(pathOf(path), MAX_PATH_LENGTH), message: `nested deeper than ${MAX_BODY_DEPTH} levels` },
      ]);
    }
    const isArray = Array.isArray(value);
    // Before listing an array's indexes (a string per element).
    if (isArray ? value.length > MAX_ARRAY_ITEMS : Object.keys(value).length > MAX_OBJECT_MEMBERS) {
      const limit = isArray ? `${MAX_ARRAY_ITEMS} elements` : `${MAX_OBJECT_MEMBERS} members`;
      return ApiProblem.validation(`The ${what} has an ${isArray ? 'array' : 'object'} with more than ${limit}`, [
        { path: bounded(pathOf(path), MAX_PATH_LENGTH), message: `must contain no more than ${limit}` },
      ]);
    }
    for (const key of Object.keys(value)) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (!isArray && isInheritedName(key)) {
        if (++unknownFieldCount <= MAX_FIELD_ERRORS)
          unknownFields.push({ path: pathOf({ key, parent: path }), message: `property ${key} should not exist` });
        continue;
      }
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1, { key, parent: path }]);
    }
  }
  return unknownFieldCount > 0 ? validationProblem(unknownFields, unknownFieldCount) : undefined;
}

// class-validator's names of the rules whose failure makes the value's other rules noise: it is absent, or of the
// wrong type ("must be a string" says it all; "must be shorter than 64 characters" adds nothing).
const IS_DEFINED_RULE = 'isDefined';
const TYPE_RULES = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'isArray']);

/** The messages reported for one value: one when it is missing or of the wrong type, else each failed rule. */
function messagesOf(constraints: Record<string, string> | undefined): string[] {
  if (constraints === undefined) return [];
  if (constraints[IS_DEFINED_RULE] !== undefined) return [constraints[IS_DEFINED_RULE]];
  const names = Object.keys(constraints);
  const typeRule = names.find((name) => TYPE_RULES.has(name));
  if (typeRule !== undefined) return [constraints[typeRule]];
  const messages = names.filter((name) => name !== NESTED_VALIDATION || names.length === 1);
  return messages.map((name) => constraints[name]);
}

/**
 * class-validator's error tree → flat `{ path, message }` list with dotted paths (`beneficiaries.1.sharePercent`), in
 * the tree's order, one message for a missing or mistyped value. Iterative (a wide or deep tree cannot overflow the
 * stack); keeps the first `limit` errors and counts the rest.
 */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  limit = Number.POSITIVE_INFINITY,
): { errors: FieldError[]; total: number } {
  const flat: FieldError[] = [];
  let total = 0;
  const pending: [ValidationError, string][] = [];
  const pushAll = (children: readonly ValidationError[], parentPath: string) => {
    for (let index = children.length - 1; index >= 0; index--) pending.push([children[index], parentPath]);
  };
  pushAll(errors, '');
  while (pending.length > 0) {
    const [error, parentPath] = pending.pop()!;
    const path = parentPath === '' ? String(error.property) : `${parentPath}.${String(error.property)}`;
    for (const message of messagesOf(error.constraints)) {
      total++;
      if (flat.length < limit) flat.push({ path, message });
    }
    if (error.children !== undefined && error.children.length > 0) pushAll(error.children, path);
  }
  return { errors: flat, total };
}

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object]);
const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type ConstraintMetadata = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];

const IS_DEFINED = ValidationTypes.IS_DEFINED;
const CUSTOM_VALIDATION = ValidationTypes.CUSTOM_VALIDATION;
const NESTED_VALIDATION = ValidationTypes.NESTED_VALIDATION;
const CONDITIONAL_VALIDATION = ValidationTypes.CONDITIONAL_VALIDATION;
const WHITELIST = ValidationTypes.WHITELIST;

/** One property's rules, sorted the way class-validator applies them; `undefined` when a rule kind is not known here. */
interface PropertyRules {
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  readonly checks: readonly { readonly metadata: ValidationMetadata; readonly constraints: ConstraintMetadata[] }[];
  readonly nested: readonly ValidationMetadata[];
}

/** A class's rules, as class-validator's MetadataStorage answers for validation without groups (the only kind here). */
interface ClassRules {
  /** The class has no rule: class-validator's forbidUnknownValues rejects any instance of it. */
  readonly empty: boolean;
  /**
   * The rules by property name, in an object without a prototype: a body member `valueOf`, `toString` or
   * `hasOwnProperty` must not find Object.prototype's method and pass as a known property.
   */
  readonly byProperty: Readonly<Record<string, readonly ValidationMetadata[]>>;
  /** Each property with its rules sorted for the fast path (`undefined`: a kind the fast path leaves to class-validator). */
  readonly properties: readonly { readonly name: string; readonly rules: PropertyRules | undefined }[];
}

const storage = getMetadataStorage();
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's key type for a class
const rulesByClass = new Map<Function, Map<string | undefined, ClassRules>>();

/**
 * The rules of a class, looked up once through MetadataStorage's public methods (getTargetValidationMetadatas,
 * groupByPropertyName) and kept here: class-validator answers them by scanning every registered class (`instanceof`
 * per class, then filters) and grouping again on every object it validates, about a fifth of the validation cost in
 * the profile. Decorators register a class's rules when the class is declared, at module load, before any request is
 * validated, and nothing here registers rules later (no registerSchema, no runtime registerDecorator), so an answer
 * never goes stale. The fast path below reads only this; rejected bodies go through class-validator unchanged.
 * Nested objects are looked up with the parent class's name as schema, as class-validator does: part of the key.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's key type for a class
function rulesOfClass(target: Function, targetSchema?: string): ClassRules {
  let bySchema = rulesByClass.get(target);
  if (bySchema === undefined) rulesByClass.set(target, (bySchema = new Map()));
  let rules = bySchema.get(targetSchema);
  if (rules === undefined) {
    const metadatas = storage.getTargetValidationMetadatas(target, targetSchema as string, false, false);
    const byProperty = Object.assign(
      Object.create(null) as Record<string, ValidationMetadata[]>,
      storage.groupByPropertyName(metadatas),
    );
    rules = {
      empty: metadatas.length === 0,
      byProperty,
      properties: Object.keys(byProperty).map((name) => ({ name, rules: compileRules(byProperty[name]) ?? undefined })),
    };
    bySchema.set(targetSchema, rules);
  }
  return rules;
}

function compileRules(group: readonly ValidationMetadata[]): PropertyRules | null {
  const conditions: PropertyRules['conditions'][number][] = [];
  const defined: PropertyRules['checks'][number][] = [];
  const custom: PropertyRules['checks'][number][] = [];
  const nested: ValidationMetadata[] = [];
  for (const metadata of group) {
    if (metadata.type === CONDITIONAL_VALIDATION)
      conditions.push(metadata.constraints[0] as PropertyRules['conditions'][number]);
    else if (metadata.type === IS_DEFINED || metadata.type === CUSTOM_VALIDATION) {
      const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
      if (constraints.some((constraint) => constraint.async)) return null;
      (metadata.type === IS_DEFINED ? defined : custom).push({ metadata, constraints });
    } else if (metadata.type === NESTED_VALIDATION) nested.push(metadata);
    else if (metadata.type !== WHITELIST) return null; // promise validation or a kind added later: the full path
  }
  return { conditions, checks: [...defined, ...custom], nested };
}

function isCollection(value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}

/**
 * The fast accept path: true only when class-validator (with VALIDATOR_OPTIONS) would report no error, running the
 * same rule functions in the same order on the same values, without building error objects, contexts or the
 * per-property arrays its executor allocates. Anything it does not handle, and every failure, answers false, and
 * the caller runs class-validator itself, which then reports the errors exactly as before. So a body is never
 * accepted that class-validator rejects (the unit spec compares both on valid bodies and many broken variants).
 */
export function passesEveryRule(object: object, targetSchema?: string): boolean {
  const { empty, byProperty, properties } = rulesOfClass(object.constructor, targetSchema);
  if (empty) return false; // forbidUnknownValues
  for (const key of Object.keys(object))
    if (!Object.hasOwn(byProperty, key) || byProperty[key].length === 0) return false; // whitelist
  const record = object as Record<string, unknown>;
  for (const { name, rules } of properties) {
    const value = record[name];
    if (rules === undefined || value instanceof Promise) return false;
    if (!rules.conditions.every((condition) => condition(object, value))) continue; // ValidateIf: skipped
    for (const { metadata, constraints } of rules.checks) {
      for (const constraint of constraints) {
        const args = {
          targetName: object.constructor?.name,
          property: metadata.propertyName,
          object,
          value,
          constraints: metadata.constraints,
        };
        if (metadata.each && isCollection(value)) {
          for (const item of Array.isArray(value) ? value : [...value.values()]) {
            if (constraint.instance.validate(item, args) !== true) return false;
          }
        } else if (constraint.instance.validate(value, args) !== true) return false;
      }
    }
    if (rules.nested.length > 0 && !nestedPass(value, rules.nested)) return false;
  }
  return true;
}

/** class-validator's nestedValidations: undefined passes, collections element by element, objects recursively. */
function nestedPass(value: unknown, nested: readonly ValidationMetadata[]): boolean {
  if (value === undefined) return true;
  for (const metadata of nested) {
    if (isCollection(value)) {
      for (const item of Array.isArray(value) ? value : [...value.values()])
        if (!nestedPass(item, nested)) return false;
    } else if (value instanceof Object) {
      const schema = typeof metadata.target === 'string' ? metadata.target : metadata.target.name;
      if (!passesEveryRule(value, schema)) return false;
    } else return false;
  }
  return true;
}

/**
 * Validates bodies and query strings against their DTO class: whitelist, reject unknown fields, no implicit type
 * conversion, every error reported with its path. Synchronous on purpose (no DTO has an async rule): Nest's
 * ValidationPipe does the same work through promises and extra object walks, which showed in the profile.
 * Transport-neutral: the gRPC layer can call `validateDto` with the same classes.
 */
@Injectable()
export class DtoValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { metatype, type } = metadata;
    if ((type !== 'body' && type !== 'query') || metatype === undefined || PRIMITIVES.has(metatype)) return value;
    return validateDto(metatype as new () => object, value, type === 'body' ? 'request body' : 'query string');
  }
}

export function validateDto<T extends object>(dtoClass: new () => T, value: unknown, what = 'request body'): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw ApiProblem.validation(`The ${what} must be a JSON object`, [{ path: '', message: 'expected a JSON object' }]);
  }
  const shapeProblem = bodyShapeProblem(value, what);
  if (shapeProblem !== undefined) throw shapeProblem;
  const instance = plainToInstance(dtoClass, value, { enableImplicitConversion: false });
  if (passesEveryRule(instance)) return instance;
  if (rulesOfClass(dtoClass).empty) {
    // A command without body fields (its ids are path parameters): class-validator's forbidUnknownValues would
    // refuse even `{}`; the body may be absent or empty, and any field is unknown, as whitelisting reports it.
    const unknown = Object.keys(value).map((path) => ({ path, message: `property ${path} should not exist` }));
    if (unknown.length === 0) return instance;
    throw validationProblem(unknown);
  }
  boundNestedArrays(instance);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    const { errors: fieldErrors, total } = flattenValidationErrors(errors, MAX_FIELD_ERRORS);
    throw validationProblem(fieldErrors, total);
  }
  return instance;
}

const ARRAY_MAX_SIZE_RULE = 'arrayMaxSize';
const IS_OBJECT_RULE = 'isObject';

/**
 * Bounds the work class-validator does below a body that is already rejected, before it runs: class-validator
 * checks an array's ArrayMaxSize and then still validates every element, and validates each element of an array
 * sent where one object is expected (building an error per element and rule). So, on the instance about to be
 * validated (the caller's copy), only where one of the property's own rules already fails:
 * - an array longer than its ArrayMaxSize keeps max + 1 elements (ArrayMaxSize still fails, with the same message);
 * - an array where one object is expected (IsObject) becomes `[]` (IsObject still fails, nothing below it is walked);
 * - arrays inside an array of objects (IsObject each) become `[]` (IsObject each still fails).
 * The verdict never changes (the unit spec compares it with class-validator's); only the per-element noise goes.
 */
function boundNestedArrays(root: object): void {
  const pending: object[] = [root];
  while (pending.length > 0) {
    const object = pending.pop()! as Record<string, unknown>;
    const { byProperty } = rulesOfClass(object.constructor);
    for (const property of Object.keys(byProperty)) {
      const rules = byProperty[property];
      if (!rules.some((rule) => rule.type === NESTED_VALIDATION)) continue;
      let value = object[property];
      if (Array.isArray(value)) {
        const maxSize = rules.find((rule) => rule.name === ARRAY_MAX_SIZE_RULE)?.constraints[0] as number | undefined;
        const objectRule = rules.find((rule) => rule.name === IS_OBJECT_RULE);
        if (objectRule !== undefined && !objectRule.each) value = [];
        else if (maxSize !== undefined && value.length > maxSize) value = value.slice(0, maxSize + 1);
        if (objectRule?.each === true) value = (value as unknown[]).map((item) => (Array.isArray(item) ? [] : item));
        object[property] = value;
        for (const item of value as unknown[]) if (isValidatedInstance(item)) pending.push(item);
      } else if (isValidatedInstance(value)) pending.push(value);
    }
  }
}

/** An object class-transformer made an instance of a DTO class (plain objects and arrays are not walked further). */
function isValidatedInstance(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return typeof value.constructor === 'function' && value.constructor !== Object;
}
