import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';

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
