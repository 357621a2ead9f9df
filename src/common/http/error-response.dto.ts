import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The SPEC's failure envelope. */
export class ErrorResponseDto {
  @ApiProperty({ example: 'Balance is not enough' })
  message!: string;

  @ApiPropertyOptional({ example: 'BALANCE_NOT_ENOUGH', description: 'Stable UPPER_SNAKE identifier' })
  code?: string;

  @ApiPropertyOptional({ example: { amount: ['amount must be a positive integer'] }, description: 'Per-field validation messages', type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  errors?: Record<string, string[]>;
}
