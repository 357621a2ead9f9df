// Response shapes of the transfer endpoints (their Swagger schemas).
import { ApiProperty } from '@nestjs/swagger';

const STATUSES = ['PENDING', 'SUCCESS', 'FAILED'];
const DATE = { example: '2021-04-01 22:23:20', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };

export class CreateTransferResultDto {
  @ApiProperty({ format: 'uuid', example: 'a7d39cf6-44b6-41fc-b3e9-7b16df5321c5' }) transfer_id!: string;
  @ApiProperty({ type: 'integer', example: 30000 }) amount!: number;
  @ApiProperty({ example: 'Hadiah Ultah' }) remarks!: string;
  @ApiProperty({ type: 'integer', example: 400000, description: "Sender's balance before the debit" }) balance_before!: number;
  @ApiProperty({ type: 'integer', example: 370000, description: "Sender's balance after the debit" }) balance_after!: number;
  @ApiProperty(DATE) created_date!: string;
  @ApiProperty({ enum: STATUSES, example: 'PENDING' }) status!: string;
}

export class TransferViewDto {
  @ApiProperty({ format: 'uuid', example: 'a7d39cf6-44b6-41fc-b3e9-7b16df5321c5' }) transfer_id!: string;
  @ApiProperty({ format: 'uuid', example: 'bc1c823e-b0fb-4b20-88c0-dff25e283252' }) sender_user_id!: string;
  @ApiProperty({ format: 'uuid', example: 'b7342e8e-e8e7-4a5d-873e-b1b1bfcdeddb' }) receiver_user_id!: string;
  @ApiProperty({ type: 'integer', example: 30000 }) amount!: number;
  @ApiProperty({ example: 'Hadiah Ultah' }) remarks!: string;
  @ApiProperty({ enum: STATUSES, example: 'SUCCESS' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why a FAILED transfer failed, e.g. RECEIVER_WALLET_FROZEN, RECEIVER_BALANCE_LIMIT, RETRIES_EXHAUSTED, BALANCE_NOT_ENOUGH. On a PENDING transfer it means the receiver could not be credited and the refund is held until the sender\'s wallet has room for it under the maximum balance (it is retried automatically).' })
  failure_reason!: string | null;
  @ApiProperty(DATE) created_date!: string;
  @ApiProperty(DATE) updated_date!: string;
}
