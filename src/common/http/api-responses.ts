import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, ErrorExample } from './api-error-examples';

/** A generic example per error status, for `ApiErrors` (routes with specific failures use `ApiErrorExamples`). */
const GENERIC_ERRORS: Record<number, ErrorExample> = {
  400: {
    summary: 'Invalid input (validation, malformed JSON, unknown field)',
    value: { message: 'Validation failed: limit must be at most 1000', code: 'VALIDATION_FAILED', errors: { limit: ['limit must be at most 1000'] } },
  },
  401: COMMON_ERROR_EXAMPLES.unauthenticated,
  403: COMMON_ERROR_EXAMPLES.forbidden,
  404: { summary: 'Unknown resource', value: { message: 'User not found', code: 'USER_NOT_FOUND' } },
  409: { summary: 'Conflict (already exists, or Idempotency-Key reused with another body)', value: { message: 'This Idempotency-Key was already used with a different request', code: 'IDEMPOTENCY_KEY_REUSED' } },
  422: { summary: 'Business rule refused (e.g. `Balance is not enough`, frozen wallet, limits)', value: { message: 'Balance is not enough', code: 'BALANCE_NOT_ENOUGH' } },
  423: { summary: 'Locked after repeated wrong PINs', value: { message: 'Too many wrong PINs. Try again in 14 minutes 59 seconds.', code: 'ACCOUNT_LOCKED', retry_after_seconds: 899 } },
  429: COMMON_ERROR_EXAMPLES.rateLimited,
  503: COMMON_ERROR_EXAMPLES.unavailable,
};

export interface EnvelopeOptions {
  status?: number;
  description?: string;
  isArray?: boolean;
  /** Adds the sibling `pagination: {next_cursor, has_more}` of a paged list. */
  paginated?: boolean;
  /** Response headers of the success answer (e.g. `IDEMPOTENT_REPLAYED_HEADER`). */
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

/**
 * The JSON schema of the SPEC success envelope `{status:"SUCCESS", result}` around `model`; an array of
 * models is a `oneOf` of them (a union in generated clients).
 */
export function envelopeSchema(model: Type<unknown> | Array<Type<unknown>>, options: Pick<EnvelopeOptions, 'isArray' | 'paginated'> = {}) {
  const item = Array.isArray(model) ? { oneOf: model.map((m) => ({ $ref: getSchemaPath(m) })) } : { $ref: getSchemaPath(model) };
  const result = options.isArray ? { type: 'array', items: item } : item;
  const properties: Record<string, unknown> = { status: { type: 'string', enum: ['SUCCESS'], example: 'SUCCESS' }, result };
  const required = ['status', 'result'];
  if (options.paginated) {
    properties.pagination = {
      type: 'object',
      required: ['next_cursor', 'has_more'],
      properties: {
        next_cursor: {
          type: 'string',
          nullable: true,
          example: 'eyJ2IjoxLCJiIjoxMDEsImwiOjF9.sJ9Gm8Ue1mR5cN3P0a6e1Q',
          description: 'Pass it back as `cursor` for the next page; null on the last page',
        },
        has_more: { type: 'boolean', example: true },
      },
    };
    required.push('pagination');
  }
  return { type: 'object', required, properties };
}

/** Documents a success answer in the SPEC envelope `{status:"SUCCESS", result}` (optionally a paginated list). */
export function ApiEnvelope(model: Type<unknown> | Array<Type<unknown>>, options: EnvelopeOptions = {}) {
  return applyDecorators(
    ApiExtraModels(...([] as Array<Type<unknown>>).concat(model)),
    ApiResponse({
      status: options.status ?? 200,
      description: options.description ?? 'Success',
      ...(options.headers ? { headers: options.headers as never } : {}),
      content: { 'application/json': { schema: envelopeSchema(model, options) as never } },
    }),
  );
}

/**
 * Documents the error statuses a route can answer, each with the SPEC failure envelope and a generic
 * example. Prefer `ApiErrorExamples` with the route's own messages.
 */
export function ApiErrors(...statuses: number[]) {
  return ApiErrorExamples(Object.fromEntries(statuses.map((status) => [status, [GENERIC_ERRORS[status] ?? { summary: 'Error', value: { message: 'Error' } }]])));
}

/** Documents a success answer that is not JSON (CSV, Prometheus text): its media type, a string schema and an example. */
export function ApiTextResponse(options: {
  status?: number;
  mediaType: string;
  description: string;
  example: string;
  headers?: Record<string, { description: string; schema: { type: 'string'; example: string } }>;
}) {
  return ApiResponse({
    status: options.status ?? 200,
    description: options.description,
    ...(options.headers ? { headers: options.headers } : {}),
    content: { [options.mediaType]: { schema: { type: 'string', example: options.example } } },
  });
}
