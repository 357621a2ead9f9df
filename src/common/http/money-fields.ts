import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const REMARKS_MAX = 255;

/**
 * The `amount` of a money movement (top-up, payment, transfer): a positive integer of Rupiah. The
 * configured per-transaction maximum is checked by the use case, which knows the configuration.
 */
export function AmountField(example: number) {
  return applyDecorators(
    ApiProperty({
      type: 'integer',
      example,
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'Integer Rupiah. Amounts above the configured per-transaction maximum (MAX_TRANSACTION_AMOUNT, default 10,000,000) are refused with 400.',
    }),
    IsInt({ message: 'amount must be an integer number of Rupiah' }),
    Min(1, { message: 'amount must be a positive integer' }),
    Max(Number.MAX_SAFE_INTEGER, { message: 'amount is too large' }),
  );
}

/**
 * Control characters other than tab, line feed and carriage return (U+0000-U+001F and U+007F-U+009F
 * but those three), spelled without a Unicode property escape so that schema-driven tools can use it.
 * NUL in particular cannot be stored by every backend (PostgreSQL's jsonb refuses it).
 */
const REMARKS_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';

/** Free-text `remarks` of a payment or transfer: trimmed, at most REMARKS_MAX characters, no control characters but tab and line breaks. */
export function RemarksField(example: string, description?: string) {
  return applyDecorators(
    ApiProperty({ example, maxLength: REMARKS_MAX, pattern: REMARKS_PATTERN, ...(description ? { description } : {}) }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsString({ message: 'remarks must be a string' }),
    MaxLength(REMARKS_MAX),
    Matches(new RegExp(REMARKS_PATTERN), { message: 'remarks must not contain control characters other than tab and line breaks' }),
  );
}
