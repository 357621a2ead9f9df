import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../common/decorators/auth.decorators';
import { ValidationFailedError } from '../../common/errors';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { IdempotencyKeyHeader } from '../wallet/wallet.http.controller';
import { CreateTransferCommand } from './commands/create-transfer/create-transfer.command';
import { CreateTransferRequestDto } from './commands/create-transfer/create-transfer.request.dto';
import { GetTransferQuery } from './queries/get-transfer/get-transfer.query';

const STATUSES = ['PENDING', 'SUCCESS', 'FAILED'];
const DATE = { example: '2021-04-01 22:23:20', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };

class CreateTransferResultDto {
  @ApiProperty({ format: 'uuid', example: 'a7d39cf6-44b6-41fc-b3e9-7b16df5321c5' }) transfer_id!: string;
  @ApiProperty({ example: 30000 }) amount!: number;
  @ApiProperty({ example: 'Hadiah Ultah' }) remarks!: string;
  @ApiProperty({ example: 400000, description: "Sender's balance before the debit" }) balance_before!: number;
  @ApiProperty({ example: 370000, description: "Sender's balance after the debit" }) balance_after!: number;
  @ApiProperty(DATE) created_date!: string;
  @ApiProperty({ enum: STATUSES, example: 'PENDING' }) status!: string;
}

class TransferViewDto {
  @ApiProperty({ format: 'uuid', example: 'a7d39cf6-44b6-41fc-b3e9-7b16df5321c5' }) transfer_id!: string;
  @ApiProperty({ format: 'uuid', example: 'bc1c823e-b0fb-4b20-88c0-dff25e283252' }) sender_user_id!: string;
  @ApiProperty({ format: 'uuid', example: 'b7342e8e-e8e7-4a5d-873e-b1b1bfcdeddb' }) receiver_user_id!: string;
  @ApiProperty({ example: 30000 }) amount!: number;
  @ApiProperty({ example: 'Hadiah Ultah' }) remarks!: string;
  @ApiProperty({ enum: STATUSES, example: 'SUCCESS' }) status!: string;
  @ApiProperty({ nullable: true, example: null, description: 'Why a FAILED transfer failed, e.g. RECEIVER_WALLET_FROZEN, RETRIES_EXHAUSTED, BALANCE_NOT_ENOUGH' })
  failure_reason!: string | null;
  @ApiProperty(DATE) created_date!: string;
  @ApiProperty(DATE) updated_date!: string;
}

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
    summary: 'Transfer to another user (debited now, credited in the background)',
    description:
      'The sender is debited at once (so `Balance is not enough` and the balances are answered synchronously); the receiver is credited by the queue worker. Follow it with GET /transfers/{id}. A transfer that cannot complete is FAILED and refunded exactly once.',
  })
  @IdempotencyKeyHeader()
  @ApiEnvelope(CreateTransferResultDto, { status: 202, description: 'Accepted: debited and queued (status PENDING)' })
  @ApiErrors(400, 401, 404, 409, 422, 503)
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateTransferRequestDto, @Headers('idempotency-key') key?: string) {
    return success(await this.commands.execute(new CreateTransferCommand(user.userId, body.target_user, body.amount, body.remarks, key)));
  }

  @Get('transfers/:id')
  @ApiOperation({ summary: 'State of a transfer (visible to its sender and receiver only)' })
  @ApiParam({ name: 'id', format: 'uuid', example: 'a7d39cf6-44b6-41fc-b3e9-7b16df5321c5' })
  @ApiEnvelope(TransferViewDto)
  @ApiErrors(400, 401, 404, 503)
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailedError('Validation failed: id must be a transfer_id (UUID)', { id: ['id must be a UUID'] }) }))
    id: string,
  ) {
    return success(await this.queries.execute(new GetTransferQuery(user.userId, id)));
  }
}
