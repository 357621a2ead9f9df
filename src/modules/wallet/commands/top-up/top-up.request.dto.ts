import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class TopUpRequestDto {
  @ApiProperty({ example: 500000, minimum: 1, description: 'Integer Rupiah, at most the configured per-transaction maximum (default 10,000,000)' })
  @IsInt({ message: 'amount must be an integer number of Rupiah' })
  @Min(1, { message: 'amount must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'amount is too large' })
  amount!: number;
}
