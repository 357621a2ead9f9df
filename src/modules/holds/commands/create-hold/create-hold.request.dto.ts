import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AmountField, RemarksField } from '../../../../common/http/money-fields';

export class CreateHoldRequestDto {
  @AmountField(150000)
  amount!: number;

  @RemarksField('Cinema seat 7F, Studio 2', 'What the money is held for')
  remarks!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 600,
    description: 'Seconds until the hold is voided automatically if not captured; default 600, at most HOLD_MAX_SECONDS (default 86400, refused with 400 above it).',
  })
  @IsOptional()
  @IsInt({ message: 'expires_in_seconds must be an integer number of seconds' })
  @Min(1, { message: 'expires_in_seconds must be at least 1' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'expires_in_seconds is too large' })
  expires_in_seconds?: number;
}
