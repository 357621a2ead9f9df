import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

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

/** Free-text `remarks` of a payment or transfer: trimmed, at most REMARKS_MAX characters. */
export function RemarksField(example: string, description?: string) {
  return applyDecorators(
    ApiProperty({ example, maxLength: REMARKS_MAX, ...(description ? { description } : {}) }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsString({ message: 'remarks must be a string' }),
    MaxLength(REMARKS_MAX),
  );
}
