// Response shapes of the hold endpoints (their Swagger schemas).
import { ApiProperty } from '@nestjs/swagger';
import { HOLD_STATUSES } from './domain/hold';

const DATE = { example: '2021-04-01 22:23:20', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };
export const HOLD_ID = { format: 'uuid', example: '019a4f31-6b7c-7d8e-9f0a-2b3c4d5e6f70' };

export class CreateHoldResultDto {
  @ApiProperty(HOLD_ID) hold_id!: string;
  @ApiProperty({ type: 'integer', example: 150000, description: 'Held now: it left the available balance' }) amount!: number;
  @ApiProperty({ example: 'Cinema seat 7F, Studio 2' }) remarks!: string;
  @ApiProperty({ type: 'integer', example: 500000 }) balance_before!: number;
  @ApiProperty({ type: 'integer', example: 350000 }) balance_after!: number;
  @ApiProperty({ enum: HOLD_STATUSES, example: 'PENDING' }) status!: string;
  @ApiProperty({ ...DATE, example: '2021-04-01 22:33:20', description: 'When the hold is voided automatically if not captured' }) expires_at!: string;
  @ApiProperty(DATE) created_date!: string;
}

export class HoldViewDto {
  @ApiProperty(HOLD_ID) hold_id!: string;
  @ApiProperty({ format: 'uuid', example: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d', description: 'The owner of the wallet' }) user_id!: string;
  @ApiProperty({ type: 'integer', example: 150000, description: 'The amount held' }) amount!: number;
  @ApiProperty({ type: 'integer', example: 120000, description: 'Captured (paid); 0 unless CAPTURED' }) captured_amount!: number;
  @ApiProperty({ type: 'integer', example: 30000, description: 'Returned to the wallet so far: the uncaptured rest, or everything when VOIDED or EXPIRED' }) released_amount!: number;
  @ApiProperty({ example: 'Cinema seat 7F, Studio 2' }) remarks!: string;
  @ApiProperty({ enum: HOLD_STATUSES, example: 'CAPTURED', description: 'PENDING until exactly one of capture, void and expiry decides it' }) status!: string;
  @ApiProperty({
    type: Boolean,
    example: false,
    description: 'True while the money to release would take the wallet above the maximum balance (MAX_BALANCE): it is released automatically once the wallet has room',
  })
  release_pending!: boolean;
  @ApiProperty({ ...DATE, example: '2021-04-01 22:33:20' }) expires_at!: string;
  @ApiProperty(DATE) created_date!: string;
  @ApiProperty(DATE) updated_date!: string;
}
