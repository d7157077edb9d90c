import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { isRealDate } from '@lib/policy-domain';

/**
 * Composed field decorators: validation and the OpenAPI description in one place, so the two never drift apart.
 * Optional fields may be absent but never `null` (the domain types say `field?: T`, not `T | null`).
 */
interface FieldOptions {
  readonly optional?: boolean;
  readonly description?: string;
  readonly example?: unknown;
}

function presence(options: FieldOptions): PropertyDecorator {
  return options.optional === true ? ValidateIf((_object, value) => value !== undefined) : IsDefined();
}

function doc(options: FieldOptions, schema: ApiPropertyOptions): PropertyDecorator {
  const described = { ...schema, description: options.description, example: options.example } as ApiPropertyOptions;
  return options.optional === true ? ApiPropertyOptional(described) : ApiProperty(described);
}

const BUSINESS_DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;
/**
 * The business dates a request may carry. Wide enough for any birth and maturity date, and far enough from year
 * 9999 that dates derived from them (a 100-year payment term, a reinstatement window) stay `YYYY-MM-DD`.
 */
const EARLIEST_BUSINESS_DATE = '1900-01-01';
const LATEST_BUSINESS_DATE = '2199-12-31';

/** An e-mail address, loosely (one @, a dotted domain). Linear: no part can match what the next one does. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** No C0 control character other than tab, line feed and carriage return, and no DEL: never business text. */
// eslint-disable-next-line no-control-regex -- the control characters are what this rejects
const WITHOUT_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/** A real calendar date `YYYY-MM-DD` (`2026-02-30` is rejected) from 1900-01-01 to 2199-12-31. */
function IsBusinessDate(validationOptions?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isBusinessDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validationOptions,
      validator: {
        validate: (value: unknown) =>
          isRealDate(value) && value >= EARLIEST_BUSINESS_DATE && value <= LATEST_BUSINESS_DATE,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a real calendar date YYYY-MM-DD from ${EARLIEST_BUSINESS_DATE} to ${LATEST_BUSINESS_DATE}`,
      },
    });
  };
}

/** A non-blank string of at most `maxLength` characters, optionally matching a pattern. */
export function TextField(
  maxLength: number,
  options: FieldOptions & { pattern?: RegExp; patternMessage?: string } = {},
): PropertyDecorator {
  const decorators = [
    presence(options),
    IsString(),
    Length(1, maxLength),
    Matches(/\S/, { message: '$property must not be blank' }),
    // NUL and other control characters would pass into the event log and then fail PostgreSQL's text columns.
    Matches(WITHOUT_CONTROL_CHARACTERS, { message: '$property must not contain control characters' }),
  ];
  if (options.pattern !== undefined)
    decorators.push(
      Matches(options.pattern, { message: options.patternMessage ?? `$property must match ${options.pattern.source}` }),
    );
  return applyDecorators(
    ...decorators,
    doc(options, {
      type: String,
      minLength: 1,
      maxLength,
      ...(options.pattern === undefined ? {} : { pattern: options.pattern.source }),
    }),
  );
}

export function EnumField(values: readonly string[], options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    presence(options),
    IsIn(values as string[], { message: `$property must be one of ${values.join(', ')}` }),
    doc(options, { enum: [...values], type: String }),
  );
}

export function IntField(min: number, max: number, options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    presence(options),
    IsInt(),
    Min(min),
    Max(max),
    doc(options, { type: 'integer', minimum: min, maximum: max }),
  );
}

export function BooleanField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(presence(options), IsBoolean(), doc(options, { type: Boolean }));
}

export function DateField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    presence(options),
    IsBusinessDate(),
    doc(options, {
      type: String,
      format: 'date',
      example: options.example ?? '2026-01-15',
      pattern: BUSINESS_DATE_FORMAT.source,
    }),
  );
}

/**
 * The OpenAPI type of a nested class. @nestjs/swagger treats a type function as lazy only when the function is named
 * `type` (as `{ type: () => X }` names it); the arrow a caller passes in is nameless and would become `$ref:
 * '#/components/schemas/'`.
 */
function lazySchemaType(type: () => new () => object): () => new () => object {
  return { type: () => type() }.type;
}

/** One nested object (never an array or a primitive). */
export function NestedField(type: () => new () => object, options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    presence(options),
    IsObject(),
    ValidateNested(),
    Type(type),
    doc(options, { type: lazySchemaType(type) }),
  );
}

/** An array of nested objects with size bounds. */
export function NestedArrayField(
  type: () => new () => object,
  minItems: number,
  maxItems: number,
  options: FieldOptions = {},
): PropertyDecorator {
  return applyDecorators(
    presence(options),
    IsArray(),
    ArrayMinSize(minItems),
    ArrayMaxSize(maxItems),
    IsObject({ each: true }),
    ValidateNested({ each: true }),
    Type(type),
    doc(options, { type: lazySchemaType(type), isArray: true, minItems, maxItems }),
  );
}

/** A list of whole numbers from `min` to `max`, at most `maxItems` long (e.g. a product's tables). */
export function IntArrayField(
  min: number,
  max: number,
  maxItems: number,
  options: FieldOptions = {},
): PropertyDecorator {
  return applyDecorators(
    presence(options),
    IsArray(),
    ArrayMaxSize(maxItems),
    IsInt({ each: true }),
    Min(min, { each: true }),
    Max(max, { each: true }),
    doc(options, { type: 'integer', isArray: true, minimum: min, maximum: max, maxItems }),
  );
}

/** A list of distinct values out of `values`. */
export function EnumArrayField(values: readonly string[], options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    presence(options),
    IsArray(),
    ArrayMaxSize(values.length),
    ArrayUnique(),
    IsIn(values as string[], { each: true, message: `each value of $property must be one of ${values.join(', ')}` }),
    doc(options, { enum: [...values], isArray: true, type: String }),
  );
}
