import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';
import { AmountField, RemarksField } from '../../../../common/http/money-fields';

export class CreateTransferRequestDto {
  @ApiProperty({ format: 'uuid', example: 'b7342e8e-e8e7-4a5d-873e-b1b1bfcdeddb', description: 'user_id of the receiver' })
  // UUIDs are case-insensitive; ids are stored in lower case.
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all', { message: 'target_user must be a user_id (UUID)' })
  target_user!: string;

  @AmountField(30000)
  amount!: number;

  @RemarksField('Hadiah Ultah')
  remarks!: string;
}
