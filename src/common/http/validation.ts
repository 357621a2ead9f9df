import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { ValidationFailedError } from '../errors';

function collect(errors: ValidationError[], parent = '', out: Record<string, string[]> = {}): Record<string, string[]> {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      out[path] = Object.entries(error.constraints).map(([rule, message]) =>
        rule === 'whitelistValidation' ? `${path} is not an accepted field` : message,
      );
    }
    if (error.children?.length) collect(error.children, path, out);
  }
  return out;
}

/** Global validation: unknown fields are refused, types are checked, and every failure is a 400 with per-field messages. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = collect(errors);
      const first = Object.values(fields)[0]?.[0] ?? 'Invalid request';
      return new ValidationFailedError(`Validation failed: ${first}`, fields);
    },
  });
}

/**
 * A body field that may be left out but, when present, must pass the field's rules: unlike
 * `@IsOptional()`, `null` is not a way to skip them (it would otherwise be stored as the value).
 */
export const IsOmittable = () => ValidateIf((_object, value) => value !== undefined);
