import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../common/decorators/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { PayCommand } from './commands/pay/pay.command';
import { PayRequestDto } from './commands/pay/pay.request.dto';
import { TopUpCommand } from './commands/top-up/top-up.command';
import { TopUpRequestDto } from './commands/top-up/top-up.request.dto';

class TopUpResultDto {
  @ApiProperty({ format: 'uuid', example: '019a4f2e-7c1d-7b3a-9a4e-2f1c3d4b5a69' }) top_up_id!: string;
  @ApiProperty({ example: 500000 }) amount_top_up!: number;
  @ApiProperty({ example: 0 }) balance_before!: number;
  @ApiProperty({ example: 500000 }) balance_after!: number;
  @ApiProperty({ example: '2021-04-01 22:21:21', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' }) created_date!: string;
}

class PayResultDto {
  @ApiProperty({ format: 'uuid', example: '019a4f2f-0b4c-7d2e-8f1a-3c2b1a0f9e8d' }) payment_id!: string;
  @ApiProperty({ example: 100000 }) amount!: number;
  @ApiProperty({ example: 'Pulsa Telkomsel 100k' }) remarks!: string;
  @ApiProperty({ example: 500000 }) balance_before!: number;
  @ApiProperty({ example: 400000 }) balance_after!: number;
  @ApiProperty({ example: '2021-04-01 22:22:00', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' }) created_date!: string;
}

export const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Optional, 1-128 chars `[A-Za-z0-9_.:-]`. A retry with the same key and body replays the first answer and moves no money; the same key with another body is 409.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$', example: 'c0ffee-2021-04-01-001' },
  });

@ApiTags('wallet')
@ApiBearerAuth('bearer')
@Controller()
export class WalletHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('topup')
  @HttpCode(201)
  @ApiOperation({ summary: 'Top up the balance' })
  @IdempotencyKeyHeader()
  @ApiEnvelope(TopUpResultDto, { status: 201, description: 'Balance credited' })
  @ApiErrors(400, 401, 409, 422, 503)
  async topUp(@CurrentUser() user: AuthUser, @Body() body: TopUpRequestDto, @Headers('idempotency-key') key?: string) {
    return success(await this.commands.execute(new TopUpCommand(user.userId, body.amount, key)));
  }

  @Post('pay')
  @HttpCode(201)
  @ApiOperation({ summary: 'Pay from the balance (422 `Balance is not enough` moves nothing)' })
  @IdempotencyKeyHeader()
  @ApiEnvelope(PayResultDto, { status: 201, description: 'Balance debited' })
  @ApiErrors(400, 401, 409, 422, 503)
  async pay(@CurrentUser() user: AuthUser, @Body() body: PayRequestDto, @Headers('idempotency-key') key?: string) {
    return success(await this.commands.execute(new PayCommand(user.userId, body.amount, body.remarks, key)));
  }
}
