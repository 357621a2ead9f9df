import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../common/decorators/auth.decorators';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, IDEMPOTENT_REPLAYED_HEADER, MONEY_ERROR_EXAMPLES } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { IdempotencyKey, IdempotencyKeyHeader } from '../idempotency';
import { PayCommand } from './commands/pay/pay.command';
import { PayRequestDto } from './commands/pay/pay.request.dto';
import { TopUpCommand } from './commands/top-up/top-up.command';
import { TopUpRequestDto } from './commands/top-up/top-up.request.dto';
import { TopUpResultDto, PayResultDto } from './wallet.views';

@ApiTags('wallet')
@ApiBearerAuth('bearer')
@Controller()
export class WalletHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('topup')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'topUp',
    summary: 'Top up the balance',
    description: 'Credits the wallet at once. Send an `Idempotency-Key` to retry safely: a retry with the same key and body replays the first answer.',
  })
  @IdempotencyKeyHeader()
  @ApiEnvelope(TopUpResultDto, { status: 201, description: 'Balance credited (or, with `Idempotent-Replayed: true`, the answer of the first request with this key)', headers: IDEMPOTENT_REPLAYED_HEADER })
  @ApiErrorExamples({
    400: [MONEY_ERROR_EXAMPLES.amountInvalid, MONEY_ERROR_EXAMPLES.amountTooLarge, MONEY_ERROR_EXAMPLES.badIdempotencyKey, COMMON_ERROR_EXAMPLES.malformedJson],
    401: [COMMON_ERROR_EXAMPLES.unauthenticated],
    409: [MONEY_ERROR_EXAMPLES.idempotencyKeyReused, MONEY_ERROR_EXAMPLES.idempotencyKeyBusy],
    422: [MONEY_ERROR_EXAMPLES.balanceLimit, MONEY_ERROR_EXAMPLES.walletFrozen, MONEY_ERROR_EXAMPLES.accountInactive],
    503: [MONEY_ERROR_EXAMPLES.ledgerBusy, COMMON_ERROR_EXAMPLES.unavailable],
  }, { replayable: [422] })
  async topUp(@CurrentUser() user: AuthUser, @Body() body: TopUpRequestDto, @IdempotencyKey() key?: string) {
    return success(await this.commands.execute(new TopUpCommand(user.userId, body.amount, key)));
  }

  @Post('pay')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'pay',
    summary: 'Pay from the balance (422 `Balance is not enough` moves nothing)',
    description: 'Debits the wallet at once. Send an `Idempotency-Key` to retry safely: a retry with the same key and body replays the first answer.',
  })
  @IdempotencyKeyHeader()
  @ApiEnvelope(PayResultDto, { status: 201, description: 'Balance debited (or, with `Idempotent-Replayed: true`, the answer of the first request with this key)', headers: IDEMPOTENT_REPLAYED_HEADER })
  @ApiErrorExamples({
    400: [MONEY_ERROR_EXAMPLES.amountInvalid, MONEY_ERROR_EXAMPLES.amountTooLarge, MONEY_ERROR_EXAMPLES.badIdempotencyKey, COMMON_ERROR_EXAMPLES.malformedJson],
    401: [COMMON_ERROR_EXAMPLES.unauthenticated],
    409: [MONEY_ERROR_EXAMPLES.idempotencyKeyReused, MONEY_ERROR_EXAMPLES.idempotencyKeyBusy],
    422: [MONEY_ERROR_EXAMPLES.balanceNotEnough, MONEY_ERROR_EXAMPLES.walletFrozen, MONEY_ERROR_EXAMPLES.accountInactive],
    503: [MONEY_ERROR_EXAMPLES.ledgerBusy, COMMON_ERROR_EXAMPLES.unavailable],
  }, { replayable: [422] })
  async pay(@CurrentUser() user: AuthUser, @Body() body: PayRequestDto, @IdempotencyKey() key?: string) {
    return success(await this.commands.execute(new PayCommand(user.userId, body.amount, body.remarks, key, user.walletFrozen)));
  }
}
