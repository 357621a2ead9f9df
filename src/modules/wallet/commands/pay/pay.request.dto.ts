import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

export class PayRequestDto {
  @ApiProperty({
    type: 'integer',
    example: 100000,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Integer Rupiah. Amounts above the configured per-transaction maximum (MAX_TRANSACTION_AMOUNT, default 10,000,000) are refused with 400.',
  })
  @IsInt({ message: 'amount must be an integer number of Rupiah' })
  @Min(1, { message: 'amount must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'amount is too large' })
  amount!: number;

  @ApiProperty({ example: 'Pulsa Telkomsel 100k', maxLength: 255, description: 'What the payment is for' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'remarks must be a string' })
  @MaxLength(255)
  remarks!: string;
}
