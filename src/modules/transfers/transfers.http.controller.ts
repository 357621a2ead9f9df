import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../common/decorators/auth.decorators';
import { ValidationFailedError } from '../../common/errors';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, ErrorExample, IDEMPOTENT_REPLAYED_HEADER, MONEY_ERROR_EXAMPLES } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { IdempotencyKey, IdempotencyKeyHeader } from '../idempotency';
import { CreateTransferCommand } from './commands/create-transfer/create-transfer.command';
import { CreateTransferRequestDto } from './commands/create-transfer/create-transfer.request.dto';
import { GetTransferQuery } from './queries/get-transfer/get-transfer.query';
import { CreateTransferResultDto, TransferViewDto } from './transfers.views';


const { unauthenticated, unavailable, malformedJson } = COMMON_ERROR_EXAMPLES;
const badTransferId: ErrorExample = {
  summary: 'The id is not a UUID',
  value: { message: 'Validation failed: id must be a transfer_id (UUID)', code: 'VALIDATION_FAILED', errors: { id: ['id must be a UUID'] } },
};

@ApiTags('transfers')
@ApiBearerAuth('bearer')
@Controller()
export class TransfersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('transfer')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createTransfer',
    summary: 'Transfer to another user (debited now, credited in the background)',
    description:
      'The sender is debited at once (so `Balance is not enough` and the balances are answered synchronously); the receiver is credited by the queue worker. Follow it with GET /transfers/{id}. A transfer that cannot complete is FAILED and refunded exactly once.',
  })
  @IdempotencyKeyHeader()
  @ApiEnvelope(CreateTransferResultDto, {
    status: 202,
    description: 'Accepted: debited and queued (status PENDING); with `Idempotent-Replayed: true`, the answer of the first request with this key',
    headers: IDEMPOTENT_REPLAYED_HEADER,
  })
  @ApiErrorExamples({
    400: [
      { summary: 'target_user is not a UUID', value: { message: 'Validation failed: target_user must be a user_id (UUID)', code: 'VALIDATION_FAILED', errors: { target_user: ['target_user must be a user_id (UUID)'] } } },
      MONEY_ERROR_EXAMPLES.amountInvalid,
      MONEY_ERROR_EXAMPLES.amountTooLarge,
      MONEY_ERROR_EXAMPLES.badIdempotencyKey,
      malformedJson,
    ],
    401: [unauthenticated],
    404: [{ summary: 'No user has the target_user id', value: { message: 'Target user not found', code: 'TARGET_USER_NOT_FOUND' } }],
    409: [MONEY_ERROR_EXAMPLES.idempotencyKeyReused, MONEY_ERROR_EXAMPLES.idempotencyKeyBusy],
    422: [
      MONEY_ERROR_EXAMPLES.balanceNotEnough,
      { summary: 'target_user is the sender', value: { message: 'You cannot transfer to yourself', code: 'SELF_TRANSFER' } },
      { summary: "The receiver's wallet is frozen", value: { message: "The receiver's wallet is frozen", code: 'RECEIVER_WALLET_FROZEN' } },
      { summary: 'The receiver was deactivated', value: { message: 'The receiver cannot receive transfers', code: 'RECEIVER_INACTIVE' } },
      MONEY_ERROR_EXAMPLES.walletFrozen,
      MONEY_ERROR_EXAMPLES.accountInactive,
    ],
    503: [MONEY_ERROR_EXAMPLES.ledgerBusy, unavailable],
  }, { replayable: [404, 422] })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateTransferRequestDto, @IdempotencyKey() key?: string) {
    return success(await this.commands.execute(new CreateTransferCommand(user.userId, body.target_user, body.amount, body.remarks, key)));
  }

  @Get('transfers/:id')
  @ApiOperation({
    operationId: 'getTransfer',
    summary: 'State of a transfer (visible to its sender and receiver only)',
    description: 'Poll it after POST /transfer until `status` is SUCCESS or FAILED. Anybody else gets 404, as for an unknown id.',
  })
  @ApiParam({ name: 'id', format: 'uuid', example: 'a7d39cf6-44b6-41fc-b3e9-7b16df5321c5', description: 'transfer_id answered by POST /transfer' })
  @ApiEnvelope(TransferViewDto)
  @ApiErrorExamples({
    400: [badTransferId],
    401: [unauthenticated],
    404: [{ summary: 'Unknown transfer, or one the caller is not part of', value: { message: 'Transfer not found', code: 'TRANSFER_NOT_FOUND' } }],
    503: [unavailable],
  })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailedError('Validation failed: id must be a transfer_id (UUID)', { id: ['id must be a UUID'] }) }))
    id: string,
  ) {
    return success(await this.queries.execute(new GetTransferQuery(user.userId, id)));
  }
}
