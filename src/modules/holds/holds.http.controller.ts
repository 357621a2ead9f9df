import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../common/decorators/auth.decorators';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, ErrorExample, IDEMPOTENT_REPLAYED_HEADER, MONEY_ERROR_EXAMPLES } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { badIdExample, parseIdPipe } from '../../common/http/uuid-params';
import { IdempotencyKey, IdempotencyKeyHeader } from '../idempotency';
import { CaptureHoldCommand } from './commands/capture-hold/capture-hold.command';
import { CaptureHoldRequestDto } from './commands/capture-hold/capture-hold.request.dto';
import { CreateHoldCommand } from './commands/create-hold/create-hold.command';
import { CreateHoldRequestDto } from './commands/create-hold/create-hold.request.dto';
import { VoidHoldCommand } from './commands/void-hold/void-hold.command';
import { GetHoldQuery } from './queries/get-hold/get-hold.query';
import { ListHoldsQuery } from './queries/list-holds/list-holds.query';
import { ListHoldsRequestDto } from './queries/list-holds/list-holds.request.dto';
import { CreateHoldResultDto, HOLD_ID, HoldViewDto } from './holds.views';


const { unauthenticated, unavailable, malformedJson } = COMMON_ERROR_EXAMPLES;
const badHoldId = badIdExample('hold_id');
const holdNotFound: ErrorExample = { summary: 'Unknown hold, or another user’s', value: { message: 'Hold not found', code: 'HOLD_NOT_FOUND' } };
const holdExpired: ErrorExample = { summary: 'The hold expired first (its money was released): nothing moved', value: { message: 'This hold has expired; its money was released', code: 'HOLD_EXPIRED' } };
const alreadyCaptured: ErrorExample = { summary: 'The hold was already captured (by another request)', value: { message: 'This hold was already captured', code: 'HOLD_ALREADY_CAPTURED' } };
const holdVoided: ErrorExample = { summary: 'The hold was voided first: nothing moved', value: { message: 'This hold was voided; its money was released', code: 'HOLD_VOIDED' } };
const tooLong: ErrorExample = {
  summary: 'expires_in_seconds is above HOLD_MAX_SECONDS',
  value: { message: 'Validation failed: expires_in_seconds must not be greater than 86400', code: 'VALIDATION_FAILED', errors: { expires_in_seconds: ['expires_in_seconds must not be greater than 86400'] } },
};
const badStatus: ErrorExample = {
  summary: 'status is not a hold status',
  value: { message: 'Validation failed: status must be one of PENDING, CAPTURED, VOIDED, EXPIRED', code: 'VALIDATION_FAILED', errors: { status: ['status must be one of PENDING, CAPTURED, VOIDED, EXPIRED'] } },
};

const holdIdPipe = () => parseIdPipe('hold_id');
const holdIdParam = () => ApiParam({ name: 'id', format: 'uuid', example: HOLD_ID.example, description: 'hold_id answered by POST /holds' });

@ApiTags('holds')
@ApiBearerAuth('bearer')
@Controller('holds')
export class HoldsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createHold',
    summary: 'Hold money for a later capture (authorise now, capture or release later)',
    description:
      'The amount leaves the available balance at once (422 `Balance is not enough` moves nothing) and the hold is PENDING until `expires_at`. ' +
      'Exactly one of capture, void and the automatic void at `expires_at` decides it. Send an `Idempotency-Key` to retry safely.',
  })
  @IdempotencyKeyHeader()
  @ApiEnvelope(CreateHoldResultDto, { status: 201, description: 'Money held (or, with `Idempotent-Replayed: true`, the answer of the first request with this key)', headers: IDEMPOTENT_REPLAYED_HEADER })
  @ApiErrorExamples({
    400: [MONEY_ERROR_EXAMPLES.amountInvalid, MONEY_ERROR_EXAMPLES.amountTooLarge, tooLong, MONEY_ERROR_EXAMPLES.badIdempotencyKey, malformedJson],
    401: [unauthenticated],
    409: [MONEY_ERROR_EXAMPLES.idempotencyKeyReused, MONEY_ERROR_EXAMPLES.idempotencyKeyBusy],
    422: [MONEY_ERROR_EXAMPLES.balanceNotEnough, MONEY_ERROR_EXAMPLES.walletFrozen, MONEY_ERROR_EXAMPLES.accountInactive],
    503: [MONEY_ERROR_EXAMPLES.ledgerBusy, unavailable],
  }, { replayable: [422] })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateHoldRequestDto, @IdempotencyKey() key?: string) {
    return success(await this.commands.execute(new CreateHoldCommand(user.userId, body.amount, body.remarks, body.expires_in_seconds, key)));
  }

  @Get()
  @ApiOperation({ operationId: 'listHolds', summary: 'My holds, newest first (optionally of one status)' })
  @ApiEnvelope(HoldViewDto, { isArray: true, paginated: true, description: 'A page of holds, newest first' })
  @ApiErrorExamples({ 400: [badStatus], 401: [unauthenticated], 503: [unavailable] })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListHoldsRequestDto) {
    const page = await this.queries.execute(new ListHoldsQuery(user.userId, query.status, query.limit ?? 20, query.cursor));
    return success(page.items, page.pagination);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getHold', summary: 'State of a hold (its owner, or an admin)', description: 'Anybody else gets 404, as for an unknown id.' })
  @holdIdParam()
  @ApiEnvelope(HoldViewDto)
  @ApiErrorExamples({ 400: [badHoldId], 401: [unauthenticated], 404: [holdNotFound], 503: [unavailable] })
  async get(@CurrentUser() user: AuthUser, @Param('id', holdIdPipe()) id: string) {
    return success(await this.queries.execute(new GetHoldQuery({ userId: user.userId, role: user.role }, id)));
  }

  @Post(':id/capture')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'captureHold',
    summary: 'Capture a hold, in full or in part (the rest returns to the wallet)',
    description:
      'The captured part becomes a payment (the hold entry turns SUCCESS), the rest is released as a CREDIT. After `expires_at` it is 422 HOLD_EXPIRED; ' +
      'a second capture is 409 HOLD_ALREADY_CAPTURED unless it retries the first with the same `Idempotency-Key`, which replays its answer.',
  })
  @holdIdParam()
  @IdempotencyKeyHeader()
  @ApiEnvelope(HoldViewDto, { description: 'Captured (or, with `Idempotent-Replayed: true`, the answer of the first request with this key)', headers: IDEMPOTENT_REPLAYED_HEADER })
  @ApiErrorExamples({
    400: [badHoldId, MONEY_ERROR_EXAMPLES.amountInvalid, MONEY_ERROR_EXAMPLES.badIdempotencyKey, malformedJson],
    401: [unauthenticated],
    404: [holdNotFound],
    409: [alreadyCaptured, holdVoided, MONEY_ERROR_EXAMPLES.idempotencyKeyReused, MONEY_ERROR_EXAMPLES.idempotencyKeyBusy],
    422: [
      holdExpired,
      { summary: 'amount is above the held amount', value: { message: 'The capture must not be greater than the held amount of 150000', code: 'CAPTURE_EXCEEDS_HOLD', held_amount: 150000 } },
      MONEY_ERROR_EXAMPLES.walletFrozen,
      MONEY_ERROR_EXAMPLES.accountInactive,
    ],
    503: [MONEY_ERROR_EXAMPLES.ledgerBusy, unavailable],
  }, { replayable: [404, 409, 422] })
  async capture(@CurrentUser() user: AuthUser, @Param('id', holdIdPipe()) id: string, @Body() body: CaptureHoldRequestDto, @IdempotencyKey() key?: string) {
    return success(await this.commands.execute(new CaptureHoldCommand(user.userId, id, body.amount, key)));
  }

  @Post(':id/void')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'voidHold',
    summary: 'Void a hold: everything returns to the wallet (its owner, or an admin)',
    description: 'Idempotent: voiding a voided hold answers it again. A captured hold is 409; one that expired first is 422 HOLD_EXPIRED (its money is back already).',
  })
  @holdIdParam()
  @ApiEnvelope(HoldViewDto, { description: 'Voided: the whole amount is released' })
  @ApiErrorExamples({
    400: [badHoldId],
    401: [unauthenticated],
    404: [holdNotFound],
    409: [alreadyCaptured],
    422: [holdExpired],
    503: [MONEY_ERROR_EXAMPLES.ledgerBusy, unavailable],
  })
  async void(@CurrentUser() user: AuthUser, @Param('id', holdIdPipe()) id: string) {
    return success(await this.commands.execute(new VoidHoldCommand({ userId: user.userId, role: user.role }, id)));
  }
}
