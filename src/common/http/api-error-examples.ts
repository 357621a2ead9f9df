import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

/** One documented failure answer: the SPEC failure envelope plus anything the error adds (e.g. `retry_after_seconds`). */
export interface ErrorExample {
  summary: string;
  value: { message: string; code?: string; errors?: Record<string, string[]>; [extra: string]: unknown };
}

/** Examples every protected or validated route shares. */
export const COMMON_ERROR_EXAMPLES = {
  unauthenticated: { summary: 'Missing, invalid, expired or revoked access token', value: { message: 'Unauthenticated', code: 'UNAUTHENTICATED' } },
  forbidden: { summary: 'Authenticated, but the role may not do this', value: { message: 'You are not allowed to do this', code: 'FORBIDDEN' } },
  rateLimited: { summary: 'Too many requests from this address', value: { message: 'Too many requests, please slow down', code: 'RATE_LIMITED' } },
  unknownField: {
    summary: 'A field the route does not accept',
    value: { message: 'Validation failed: phone_number is not an accepted field', code: 'VALIDATION_FAILED', errors: { phone_number: ['phone_number is not an accepted field'] } },
  },
  unavailable: { summary: 'MongoDB or Redis did not answer', value: { message: 'Service temporarily unavailable (database); please retry', code: 'SERVICE_UNAVAILABLE' } },
} satisfies Record<string, ErrorExample>;

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', example: 899 } },
};

/**
 * Documents each error status of a route with concrete examples of its body (423 and 429 also
 * document the `Retry-After` response header):
 * `@ApiErrorExamples({ 401: [COMMON_ERROR_EXAMPLES.unauthenticated], 409: [{ summary, value }] })`.
 */
export function ApiErrorExamples(byStatus: Record<number, ErrorExample[]>) {
  return applyDecorators(
    ...Object.entries(byStatus).map(([status, examples]) =>
      ApiResponse({
        status: Number(status),
        description: examples.map((e) => e.summary).join('; '),
        type: ErrorResponseDto,
        ...(status === '423' || status === '429' ? { headers: RETRY_AFTER } : {}),
        examples: Object.fromEntries(examples.map((e, i) => [`${e.value.code ?? 'error'}${i ? `_${i}` : ''}`, e])),
      }),
    ),
  );
}
