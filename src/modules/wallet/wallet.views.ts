// Response shapes of the wallet endpoints (their Swagger schemas).
import { ApiProperty } from '@nestjs/swagger';

export class TopUpResultDto {
  @ApiProperty({ format: 'uuid', example: '019a4f2e-7c1d-7b3a-9a4e-2f1c3d4b5a69' }) top_up_id!: string;
  @ApiProperty({ type: 'integer', example: 500000 }) amount_top_up!: number;
  @ApiProperty({ type: 'integer', example: 0 }) balance_before!: number;
  @ApiProperty({ type: 'integer', example: 500000 }) balance_after!: number;
  @ApiProperty({ example: '2021-04-01 22:21:21', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' }) created_date!: string;
}

export class PayResultDto {
  @ApiProperty({ format: 'uuid', example: '019a4f2f-0b4c-7d2e-8f1a-3c2b1a0f9e8d' }) payment_id!: string;
  @ApiProperty({ type: 'integer', example: 100000 }) amount!: number;
  @ApiProperty({ example: 'Pulsa Telkomsel 100k' }) remarks!: string;
  @ApiProperty({ type: 'integer', example: 500000 }) balance_before!: number;
  @ApiProperty({ type: 'integer', example: 400000 }) balance_after!: number;
  @ApiProperty({ example: '2021-04-01 22:22:00', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' }) created_date!: string;
}
