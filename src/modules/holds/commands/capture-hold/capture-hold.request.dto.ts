import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class CaptureHoldRequestDto {
  @ApiProperty({
    type: 'integer',
    example: 120000,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Integer Rupiah to capture, at most the held amount; the rest returns to the wallet.',
  })
  @IsInt({ message: 'amount must be an integer number of Rupiah' })
  @Min(1, { message: 'amount must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'amount is too large' })
  amount!: number;
}
