import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export class CreateTransferRequestDto {
  @ApiProperty({ format: 'uuid', example: 'b7342e8e-e8e7-4a5d-873e-b1b1bfcdeddb', description: 'user_id of the receiver' })
  @IsUUID('all', { message: 'target_user must be a user_id (UUID)' })
  target_user!: string;

  @ApiProperty({
    type: 'integer',
    example: 30000,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Integer Rupiah. Amounts above the configured per-transaction maximum (MAX_TRANSACTION_AMOUNT, default 10,000,000) are refused with 400.',
  })
  @IsInt({ message: 'amount must be an integer number of Rupiah' })
  @Min(1, { message: 'amount must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'amount is too large' })
  amount!: number;

  @ApiProperty({ example: 'Hadiah Ultah', maxLength: 255 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'remarks must be a string' })
  @MaxLength(255)
  remarks!: string;
}
