import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
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
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    const fieldErrors = flattenValidationErrors(errors);
    throw ApiProblem.validation(`${fieldErrors.length} field(s) failed validation`, fieldErrors);
  }
  return instance;
}
