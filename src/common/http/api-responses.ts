import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (validation, malformed JSON, unknown field)',
  401: 'Missing, invalid, expired or revoked token: `{"message":"Unauthenticated"}`',
  403: 'Authenticated but not allowed (wrong role)',
  404: 'Unknown resource',
  409: 'Conflict (already exists, or Idempotency-Key reused with another body)',
  422: 'Business rule refused (e.g. `Balance is not enough`, frozen wallet, limits)',
  423: 'Locked after repeated wrong PINs',
  429: 'Rate limited',
  503: 'A dependency (database or Redis) is unavailable; nothing was lost, retry',
};

/** Documents a success answer in the SPEC envelope `{status:"SUCCESS", result}` (optionally a paginated list). */
export function ApiEnvelope(model: Type<unknown>, options: { status?: number; description?: string; isArray?: boolean; paginated?: boolean } = {}) {
  const result = options.isArray ? { type: 'array', items: { $ref: getSchemaPath(model) } } : { $ref: getSchemaPath(model) };
  const properties: Record<string, unknown> = { status: { type: 'string', enum: ['SUCCESS'], example: 'SUCCESS' }, result };
  const required = ['status', 'result'];
  if (options.paginated) {
    properties.pagination = {
      type: 'object',
      required: ['next_cursor', 'has_more'],
      properties: { next_cursor: { type: 'string', nullable: true, example: null }, has_more: { type: 'boolean', example: false } },
    };
    required.push('pagination');
  }
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({ status: options.status ?? 200, description: options.description ?? 'Success', schema: { type: 'object', required, properties } as never }),
  );
}

/** Documents the error statuses a route can answer, each with the SPEC failure envelope. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto })),
  );
}
