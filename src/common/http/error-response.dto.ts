import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** The SPEC's failure envelope. */
@ApiSchema({
  description:
    'Every failure answer: a human sentence, a stable UPPER_SNAKE `code` and, for validation failures, per-field messages. ' +
    'A few errors add their own fields: `retry_after_seconds` (423 ACCOUNT_LOCKED), `max_balance` (422 BALANCE_LIMIT_EXCEEDED), ' +
    '`checks` (503 NOT_READY). Never a stack trace.',
})
export class ErrorResponseDto {
  @ApiProperty({ example: 'Balance is not enough', description: 'Human sentence, safe to show to the user' })
  message!: string;

  @ApiPropertyOptional({ example: 'BALANCE_NOT_ENOUGH', pattern: '^[A-Z][A-Z0-9_]*$', description: 'Stable UPPER_SNAKE identifier to branch on' })
  code?: string;

  @ApiPropertyOptional({
    example: { amount: ['amount must be a positive integer'] },
    description: 'Per-field validation messages (400 VALIDATION_FAILED)',
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  errors?: Record<string, string[]>;
}
