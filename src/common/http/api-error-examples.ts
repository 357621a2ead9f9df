import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

/** One documented failure answer: the SPEC failure envelope plus anything the error adds (e.g. `retry_after_seconds`). */
export interface ErrorExample {
  summary: string;
  value: { message: string; code?: string; errors?: Record<string, string[]>; [extra: string]: unknown };
}

/** Examples many routes share. Route-specific ones live beside their controller. */
export const COMMON_ERROR_EXAMPLES = {
  unauthenticated: { summary: 'Missing, invalid, expired or revoked access token', value: { message: 'Unauthenticated', code: 'UNAUTHENTICATED' } },
  forbidden: { summary: 'Authenticated, but the role may not do this', value: { message: 'You are not allowed to do this', code: 'FORBIDDEN' } },
  rateLimited: { summary: 'Too many requests from this address', value: { message: 'Too many requests, please slow down', code: 'RATE_LIMITED' } },
  unknownField: {
    summary: 'A field the route does not accept',
    value: { message: 'Validation failed: phone_number is not an accepted field', code: 'VALIDATION_FAILED', errors: { phone_number: ['phone_number is not an accepted field'] } },
  },
  malformedJson: { summary: 'The body is not valid JSON', value: { message: 'Malformed JSON body', code: 'MALFORMED_JSON' } },
  unavailable: { summary: 'MongoDB or Redis did not answer', value: { message: 'Service temporarily unavailable (database); please retry', code: 'SERVICE_UNAVAILABLE' } },
  userBusy: {
    summary: 'Another request is changing the same user right now; retry',
    value: { message: 'This user is being updated by another request; please retry', code: 'USER_BUSY' },
  },
} satisfies Record<string, ErrorExample>;

/** Examples of the money routes (`POST /topup`, `/pay`, `/transfer`). */
export const MONEY_ERROR_EXAMPLES = {
  amountInvalid: {
    summary: 'amount is not a positive integer',
    value: { message: 'Validation failed: amount must be a positive integer', code: 'VALIDATION_FAILED', errors: { amount: ['amount must be a positive integer'] } },
  },
  amountTooLarge: {
    summary: 'amount is above the configured per-transaction maximum (MAX_TRANSACTION_AMOUNT)',
    value: {
      message: 'Validation failed: amount must not be greater than 10000000',
      code: 'VALIDATION_FAILED',
      errors: { amount: ['amount must not be greater than 10000000'] },
    },
  },
  badIdempotencyKey: {
    summary: 'The Idempotency-Key header is malformed',
    value: {
      message: 'Validation failed: Idempotency-Key must be 1-128 characters of letters, digits, _ . : -',
      code: 'VALIDATION_FAILED',
      errors: { 'Idempotency-Key': ['must be 1-128 characters of letters, digits, _ . : -'] },
    },
  },
  idempotencyKeyReused: {
    summary: 'The Idempotency-Key was already used with a different body',
    value: { message: 'This Idempotency-Key was already used with a different request', code: 'IDEMPOTENCY_KEY_REUSED' },
  },
  idempotencyKeyBusy: {
    summary: 'A request with the same Idempotency-Key is still running; retry',
    value: { message: 'This Idempotency-Key is being renewed, please retry', code: 'IDEMPOTENCY_KEY_BUSY' },
  },
  balanceNotEnough: { summary: 'The balance does not cover the amount (nothing moved)', value: { message: 'Balance is not enough', code: 'BALANCE_NOT_ENOUGH' } },
  balanceLimit: {
    summary: 'The balance would go above the configured maximum (MAX_BALANCE)',
    value: { message: 'This would take the balance above the maximum of 100000000', code: 'BALANCE_LIMIT_EXCEEDED', max_balance: 100000000 },
  },
  walletFrozen: { summary: 'An administrator froze this wallet', value: { message: 'Your wallet is frozen', code: 'WALLET_FROZEN' } },
  accountInactive: { summary: 'The account was deactivated', value: { message: 'This account is deactivated', code: 'ACCOUNT_INACTIVE' } },
  ledgerBusy: { summary: 'The wallet stayed contended; nothing was written, retry', value: { message: 'The wallet is busy, please retry', code: 'LEDGER_BUSY' } },
} satisfies Record<string, ErrorExample>;

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', example: 899 } },
};

/** `Idempotent-Replayed: true` (Stripe's convention): the answer is the stored answer of an earlier request with the same `Idempotency-Key`. */
export const IDEMPOTENT_REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    description: 'Present (`true`) only when this is the stored answer of an earlier request with the same `Idempotency-Key`: nothing moved this time.',
    schema: { type: 'string', enum: ['true'], example: 'true' },
  },
};

/**
 * Fields some failures add to the envelope, declared where they can appear. An example using a field
 * that is not listed here fails at startup, so every field a client can receive is in the document.
 */
const EXTRA_ERROR_FIELDS: Record<string, Record<string, unknown>> = {
  retry_after_seconds: { type: 'integer', minimum: 0, example: 899, description: 'Seconds until the lock or limit ends (also in the `Retry-After` header)' },
  max_balance: { type: 'integer', example: 100000000, description: 'The configured maximum balance (BALANCE_LIMIT_EXCEEDED)' },
  held_amount: { type: 'integer', example: 150000, description: 'The amount the hold holds (CAPTURE_EXCEEDS_HOLD)' },
  checks: {
    type: 'object',
    description: 'State of each dependency (NOT_READY)',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    example: { mongodb: 'up', redis: 'down' },
  },
};
const ENVELOPE_FIELDS = new Set(['message', 'code', 'errors']);

/**
 * The schema of one status of one route: the SPEC envelope (`ErrorResponseDto`) narrowed to the
 * `code`s its examples show (an enum a generated client can switch on) plus the extra fields they carry.
 */
export function errorSchema(examples: ErrorExample[]) {
  const codes = [...new Set(examples.map((e) => e.value.code).filter((c): c is string => typeof c === 'string'))];
  const properties: Record<string, unknown> = {};
  if (codes.length) properties.code = { type: 'string', enum: codes, example: codes[0] };
  const required = codes.length && examples.every((e) => e.value.code) ? ['code'] : [];
  for (const example of examples) {
    for (const field of Object.keys(example.value)) {
      if (ENVELOPE_FIELDS.has(field)) continue;
      const schema = EXTRA_ERROR_FIELDS[field];
      if (!schema) throw new Error(`Error example "${example.summary}" has the field ${field}: declare it in EXTRA_ERROR_FIELDS`);
      properties[field] = schema;
    }
  }
  return { allOf: [{ $ref: getSchemaPath(ErrorResponseDto) }, { type: 'object', ...(required.length ? { required } : {}), properties }] };
}

/** The JSON content of a failure answer: the SPEC envelope (`ErrorResponseDto`, narrowed per route) with named examples. */
export function errorContent(examples: ErrorExample[]) {
  return {
    'application/json': {
      schema: errorSchema(examples) as never, // a SchemaObject; its `properties` are plain JSON here
      examples: Object.fromEntries(examples.map((e, i) => [`${e.value.code ?? 'error'}${i ? `_${i}` : ''}`, e])),
    },
  };
}

/**
 * Documents each error status of a route with concrete examples of its body, always as
 * `application/json` with the `ErrorResponseDto` schema (also on routes that answer CSV or text on
 * success); 423 and 429 also document the `Retry-After` response header, and the statuses in
 * `options.replayable` the `Idempotent-Replayed` header (refusals an `Idempotency-Key` replays):
 * `@ApiErrorExamples({ 401: [COMMON_ERROR_EXAMPLES.unauthenticated], 409: [{ summary, value }] })`.
 * Give every status of a route in one call: a later declaration of the same status replaces it.
 */
export function ApiErrorExamples(byStatus: Record<number, ErrorExample[]>, options: { replayable?: number[] } = {}) {
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ...Object.entries(byStatus).map(([status, examples]) => {
      const headers = {
        ...(status === '423' || status === '429' ? RETRY_AFTER : {}),
        ...(options.replayable?.includes(Number(status)) ? IDEMPOTENT_REPLAYED_HEADER : {}),
      };
      return ApiResponse({
        status: Number(status),
        description: examples.map((e) => e.summary).join('; '),
        ...(Object.keys(headers).length ? { headers } : {}),
        content: errorContent(examples),
      });
    }),
  );
}
