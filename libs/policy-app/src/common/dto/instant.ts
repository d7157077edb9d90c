import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isRealDate } from '@lib/policy-domain';

const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** An ISO-8601 instant with a time zone (`2026-03-01T12:00:00Z`, `…+08:00`) on a real calendar date. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  return match !== null && isRealDate(match[1]) && !Number.isNaN(Date.parse(value));
}

export function IsInstant(validationOptions?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validationOptions,
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO-8601 instant with a time zone, e.g. 2026-03-01T12:00:00Z`,
      },
    });
  };
}
