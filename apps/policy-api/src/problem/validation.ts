import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { ApiProblem, type FieldError } from './api-problem';

/** class-validator's error tree → flat `{ path, message }` list with dotted paths (`beneficiaries.1.sharePercent`). */
export function flattenValidationErrors(errors: readonly ValidationError[], parentPath = ''): FieldError[] {
  const flat: FieldError[] = [];
  for (const error of errors) {
    const path = parentPath === '' ? error.property : `${parentPath}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) flat.push({ path, message });
    if (error.children !== undefined && error.children.length > 0)
      flat.push(...flattenValidationErrors(error.children, path));
  }
  return flat;
}

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object]);
const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type TargetMetadatas = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;

/**
 * class-validator looks up a class's rules on every object it validates by scanning every registered class
 * (`instanceof` per class, then filters), and groups them by property again each time: about a fifth of the
 * validation cost in the profile. The rules of a class never change once it is declared, so both answers are kept
 * per class (for validation without groups, the only kind used here) and dropped whenever a rule is registered.
 * The cached arrays are only read by class-validator, never changed.
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const patched = storage as MetadataStorage & { policyApiMemoized?: true };
  if (patched.policyApiMemoized) return;
  patched.policyApiMemoized = true;
  const targetMetadatas = new Map<unknown, Map<string | undefined, TargetMetadatas>>();
  let grouped = new WeakMap<TargetMetadatas, ReturnType<MetadataStorage['groupByPropertyName']>>();
  const forget = () => {
    targetMetadatas.clear();
    grouped = new WeakMap();
  };
  const { getTargetValidationMetadatas, groupByPropertyName, addValidationMetadata, addConstraintMetadata } = storage;
  storage.addValidationMetadata = function (...args) {
    forget();
    return addValidationMetadata.apply(this, args);
  };
  storage.addConstraintMetadata = function (...args) {
    forget();
    return addConstraintMetadata.apply(this, args);
  };
  storage.getTargetValidationMetadatas = function (targetConstructor, targetSchema, always, strictGroups, groups) {
    if (always || strictGroups || (groups !== undefined && groups.length > 0))
      return getTargetValidationMetadatas.call(this, targetConstructor, targetSchema, always, strictGroups, groups);
    // Nested objects are looked up with the parent class's name as schema: part of the key.
    let bySchema = targetMetadatas.get(targetConstructor);
    if (bySchema === undefined) targetMetadatas.set(targetConstructor, (bySchema = new Map()));
    let metadatas = bySchema.get(targetSchema);
    if (metadatas === undefined) {
      metadatas = getTargetValidationMetadatas.call(
        this,
        targetConstructor,
        targetSchema,
        always,
        strictGroups,
        groups,
      );
      bySchema.set(targetSchema, metadatas);
    }
    return metadatas;
  };
  storage.groupByPropertyName = function (metadatas) {
    let byProperty = grouped.get(metadatas);
    if (byProperty === undefined) {
      byProperty = groupByPropertyName.call(this, metadatas);
      grouped.set(metadatas, byProperty);
    }
    return byProperty;
  };
}
memoizeValidationMetadata();

// class-validator's names for its kinds of rule (ValidationTypes).
const IS_DEFINED = 'isDefined';
const CUSTOM_VALIDATION = 'customValidation';
const NESTED_VALIDATION = 'nestedValidation';
const CONDITIONAL_VALIDATION = 'conditionalValidation';
const WHITELIST = 'whitelistValidation';

type ValidationMetadata = TargetMetadatas[number];
type ConstraintMetadata = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];

/** One property's rules, sorted the way class-validator applies them; `undefined` when a rule kind is not known here. */
interface PropertyRules {
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  readonly checks: readonly { readonly metadata: ValidationMetadata; readonly constraints: ConstraintMetadata[] }[];
  readonly nested: readonly ValidationMetadata[];
}

const storage = getMetadataStorage();
const rulesByGroup = new WeakMap<readonly ValidationMetadata[], PropertyRules | null>();

function rulesOf(group: readonly ValidationMetadata[]): PropertyRules | undefined {
  let rules = rulesByGroup.get(group);
  if (rules === undefined) {
    rules = compileRules(group);
    rulesByGroup.set(group, rules);
  }
  return rules ?? undefined;
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
  const metadatas = storage.getTargetValidationMetadatas(object.constructor, targetSchema as string, false, false);
  if (metadatas.length === 0) return false; // forbidUnknownValues
  const byProperty = storage.groupByPropertyName(metadatas);
  for (const key of Object.keys(object))
    if (byProperty[key] === undefined || byProperty[key].length === 0) return false; // whitelist
  const record = object as Record<string, unknown>;
  for (const property of Object.keys(byProperty)) {
    const rules = rulesOf(byProperty[property]);
    const value = record[property];
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
  const instance = plainToInstance(dtoClass, value, { enableImplicitConversion: false });
  if (passesEveryRule(instance)) return instance;
  if (storage.getTargetValidationMetadatas(dtoClass, '', false, false).length === 0) {
    // A command without body fields (its ids are path parameters): class-validator's forbidUnknownValues would
    // refuse even `{}`; the body may be absent or empty, and any field is unknown, as whitelisting reports it.
    const unknown = Object.keys(value).map((path) => ({ path, message: `property ${path} should not exist` }));
    if (unknown.length === 0) return instance;
    throw ApiProblem.validation(`${unknown.length} field(s) failed validation`, unknown);
  }
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    const fieldErrors = flattenValidationErrors(errors);
    throw ApiProblem.validation(`${fieldErrors.length} field(s) failed validation`, fieldErrors);
  }
  return instance;
}
