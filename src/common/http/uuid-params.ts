import { ArgumentMetadata, Injectable, ParseUUIDPipe, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors';
import type { ErrorExample } from './api-error-examples';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Global pipe: a path parameter shaped like a UUID is brought to lower case, the form every id is
 * stored in, so `/transfers/{ID}` finds the same record as `/transfers/{id}` (UUIDs are case-insensitive,
 * RFC 9562). Body fields that hold ids lower-case themselves in their DTO.
 */
@Injectable()
export class LowerCaseUuidParamsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    if (typeof value === 'string') return UUID_SHAPE.test(value) ? value.toLowerCase() : value;
    if (value && typeof value === 'object') {
      // `@Param()` without a name: every parameter of the route
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' && UUID_SHAPE.test(v) ? v.toLowerCase() : v]));
    }
    return value;
  }
}

/** The 400 of a malformed UUID `:id` (`parseIdPipe`), naming the id it should be (`hold_id`, `webhook_id`, …). */
function badIdMessage(idName: string): { message: string; errors: Record<string, string[]> } {
  return { message: `Validation failed: id must be a ${idName} (UUID)`, errors: { id: ['id must be a UUID'] } };
}

/** The pipe of a UUID `:id`: a malformed id is 400 VALIDATION_FAILED before any lookup. */
export function parseIdPipe(idName: string): ParseUUIDPipe {
  const { message, errors } = badIdMessage(idName);
  return new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailedError(message, errors) });
}

/** The documented example of `parseIdPipe`'s 400. */
export function badIdExample(idName: string): ErrorExample {
  const { message, errors } = badIdMessage(idName);
  return { summary: 'The id is not a UUID', value: { message, code: 'VALIDATION_FAILED', errors } };
}
