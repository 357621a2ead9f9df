import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class TopUpRequestDto {
  @ApiProperty({
    type: 'integer',
    example: 500000,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Integer Rupiah. Amounts above the configured per-transaction maximum (MAX_TRANSACTION_AMOUNT, default 10,000,000) are refused with 400.',
  })
  @IsInt({ message: 'amount must be an integer number of Rupiah' })
  @Min(1, { message: 'amount must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'amount is too large' })
  amount!: number;
}
