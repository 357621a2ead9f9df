import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../../common/decorators/auth.decorators';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, ErrorExample } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { newUserFields } from './http/user-fields';
import { CreateUserCommand } from './commands/create-user/create-user.command';
import { CreateUserRequestDto } from './commands/create-user/create-user.request.dto';
import { DeactivateUserCommand } from './commands/deactivate-user/deactivate-user.command';
import { FreezeUserWalletCommand } from './commands/freeze-user-wallet/freeze-user-wallet.command';
import { UpdateUserCommand } from './commands/update-user/update-user.command';
import { UpdateUserRequestDto } from './commands/update-user/update-user.request.dto';
import { LookupThrottlerGuard } from './http/lookup-throttler.guard';
import { ParseUserIdPipe } from './http/user-id.pipe';
import { FindUserByPhoneQuery } from './queries/find-user-by-phone/find-user-by-phone.query';
import { FindUserByPhoneRequestDto } from './queries/find-user-by-phone/find-user-by-phone.request.dto';
import { GetUserQuery } from './queries/get-user/get-user.query';
import { ListUserDirectoryQuery } from './queries/list-user-directory/list-user-directory.query';
import { ListUsersQuery } from './queries/list-users/list-users.query';
import { DEFAULT_PAGE_SIZE, ListUsersRequestDto } from './queries/list-users/list-users.request.dto';
import { AdminUserDto, DirectoryEntryDto } from './users.views';

const { unauthenticated, forbidden, unavailable, malformedJson, userBusy } = COMMON_ERROR_EXAMPLES;
const badId: ErrorExample = {
  summary: 'The id is not a UUID',
  value: { message: 'Validation failed: id must be a user_id (UUID)', code: 'VALIDATION_FAILED', errors: { id: ['id must be a UUID'] } },
};
const notFound: ErrorExample = { summary: 'No user has this id', value: { message: 'User not found', code: 'USER_NOT_FOUND' } };
const adminOnly: ErrorExample = { ...forbidden, summary: 'Only administrators may do this' };
const idParam = () => ApiParam({ name: 'id', format: 'uuid', example: '0193a4c2-5d1e-7b2a-9c3d-4e5f6a7b8c9d', description: 'user_id of the user' });

/**
 * `/users`: administrators manage accounts; ordinary users get a small directory of transfer targets
 * (`GET /users`) and an exact lookup by phone number (`GET /users/lookup`).
 */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users')
export class UsersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'List users: administrators get the full listing, ordinary users a directory of transfer targets',
    description:
      'Administrators: every user (any status) with role, status and wallet_frozen; `q` matches names and phone digits. ' +
      'Ordinary users: active users other than themselves, as `{user_id, first_name, last_name, phone_number_masked}`; `q` matches names. ' +
      'Both are ordered by registration and paginated with `limit` (default 20, max 100) and the opaque `cursor`.',
  })
  @ApiExtraModels(AdminUserDto, DirectoryEntryDto)
  @ApiOkResponse({
    description: 'A page of users (`AdminUserDto` for administrators, `DirectoryEntryDto` for everyone else)',
    schema: {
      type: 'object',
      required: ['status', 'result', 'pagination'],
      properties: {
        status: { type: 'string', enum: ['SUCCESS'], example: 'SUCCESS' },
        result: { type: 'array', items: { oneOf: [{ $ref: getSchemaPath(AdminUserDto) }, { $ref: getSchemaPath(DirectoryEntryDto) }] } },
        pagination: {
          type: 'object',
          required: ['next_cursor', 'has_more'],
          properties: {
            next_cursor: {
              type: 'string',
              nullable: true,
              example: 'eyJhZnRlciI6IjAxOTNhNGMyLTVkMWUtN2IyYS05YzNkLTRlNWY2YTdiOGM5ZCJ9',
              description: 'Pass it back as `cursor` for the next page; null on the last page',
            },
            has_more: { type: 'boolean', example: true },
          },
        },
      },
      example: {
        status: 'SUCCESS',
        result: [{ user_id: '0193a4c2-5d1e-7b2a-9c3d-4e5f6a7b8c9d', first_name: 'Guntur', last_name: 'Saputro', phone_number_masked: '0811***501' }],
        pagination: { next_cursor: 'eyJhZnRlciI6IjAxOTNhNGMyLTVkMWUtN2IyYS05YzNkLTRlNWY2YTdiOGM5ZCJ9', has_more: true },
      },
    },
  })
  @ApiErrorExamples({
    400: [{ summary: 'Bad limit or cursor', value: { message: 'Validation failed: limit must be at most 100', code: 'VALIDATION_FAILED', errors: { limit: ['limit must be at most 100'] } } }],
    401: [unauthenticated],
    503: [unavailable],
  })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListUsersRequestDto) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const page =
      user.role === 'ADMIN'
        ? await this.queries.execute(new ListUsersQuery(query.q, limit, query.cursor))
        : await this.queries.execute(new ListUserDirectoryQuery(user.userId, query.q, limit, query.cursor));
    return success(page.items, page.pagination);
  }

  @Get('lookup')
  @UseGuards(LookupThrottlerGuard)
  @ApiOperation({
    operationId: 'lookupUserByPhone',
    summary: 'Find an active user by exact phone number (any spelling: 08…, +628…, 628…)',
    description:
      'For choosing a transfer target: answers the directory shape (masked phone number, no balance). Deactivated users are not found. ' +
      'Rate limited against enumeration of registered numbers: by default 10 look-ups per minute and 100 per day per user, and 30 per minute ' +
      'per client address (`LOOKUP_USER_LIMIT_PER_MINUTE`, `LOOKUP_USER_LIMIT_PER_DAY`, `LOOKUP_ADDRESS_LIMIT_PER_MINUTE`); over a limit: 429 with `Retry-After`.',
  })
  @ApiEnvelope(DirectoryEntryDto, { description: 'The user, in the directory shape (masked phone, no balance)' })
  @ApiErrorExamples({
    400: [{ summary: 'Not a phone number', value: { message: 'Validation failed: phone_number must be an Indonesian mobile number', code: 'VALIDATION_FAILED' } }],
    401: [unauthenticated],
    404: [{ summary: 'No active user has this number', value: { message: 'User not found', code: 'USER_NOT_FOUND' } }],
    429: [
      {
        summary: 'Too many look-ups by this user or from this address (a `Retry-After` header carries the same seconds)',
        value: { message: 'Too many phone number look-ups. Try again in 42 seconds.', code: 'RATE_LIMITED', retry_after_seconds: 42 },
      },
    ],
    503: [unavailable],
  })
  async lookup(@Query() query: FindUserByPhoneRequestDto) {
    return success(await this.queries.execute(new FindUserByPhoneQuery(query.phone_number)));
  }

  @Get(':id')
  @Roles('ADMIN')
  @ApiOperation({ operationId: 'getUser', summary: 'Read one user (administrators)' })
  @idParam()
  @ApiEnvelope(AdminUserDto)
  @ApiErrorExamples({ 400: [badId], 401: [unauthenticated], 403: [adminOnly], 404: [notFound], 503: [unavailable] })
  async get(@Param('id', ParseUserIdPipe) id: string) {
    return success(await this.queries.execute(new GetUserQuery(id)));
  }

  @Post()
  @Roles('ADMIN')
  @HttpCode(201)
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user (administrators); same rules as registration, optional role' })
  @ApiEnvelope(AdminUserDto, { status: 201, description: 'User created' })
  @ApiErrorExamples({
    400: [
      { summary: 'Invalid field', value: { message: 'Validation failed: role must be USER or ADMIN', code: 'VALIDATION_FAILED', errors: { role: ['role must be USER or ADMIN'] } } },
      malformedJson,
    ],
    401: [unauthenticated],
    403: [adminOnly],
    409: [{ summary: 'Phone number taken', value: { message: 'Phone Number already registered', code: 'PHONE_ALREADY_REGISTERED' } }],
    503: [unavailable],
  })
  async create(@Body() body: CreateUserRequestDto) {
    return success(
      await this.commands.execute(new CreateUserCommand({ ...newUserFields(body), role: body.role ?? 'USER' })),
    );
  }

  @Put(':id')
  @Roles('ADMIN')
  @ApiOperation({
    operationId: 'updateUser',
    summary: "Edit a user's names, address or role (administrators)",
    description: 'Send any subset of `first_name`, `last_name`, `address`, `role` (at least one). The phone number and the PIN are not editable.',
  })
  @idParam()
  @ApiEnvelope(AdminUserDto)
  @ApiErrorExamples({
    400: [
      badId,
      COMMON_ERROR_EXAMPLES.unknownField,
      { summary: 'No field given', value: { message: 'Validation failed: provide at least one of first_name, last_name, address, role', code: 'VALIDATION_FAILED' } },
      malformedJson,
    ],
    401: [unauthenticated],
    403: [adminOnly],
    404: [notFound],
    409: [userBusy],
    422: [{ summary: 'An administrator tried to change their own role', value: { message: 'You cannot change the role of your own account', code: 'OWN_ACCOUNT_CHANGE_REFUSED' } }],
    503: [unavailable],
  })
  async update(@CurrentUser() actor: AuthUser, @Param('id', ParseUserIdPipe) id: string, @Body() body: UpdateUserRequestDto) {
    return success(
      await this.commands.execute(
        new UpdateUserCommand(actor.userId, id, { first_name: body.first_name, last_name: body.last_name, address: body.address, role: body.role }),
      ),
    );
  }

  @Delete(':id')
  @Roles('ADMIN')
  @ApiOperation({
    operationId: 'deactivateUser',
    summary: 'Deactivate a user (administrators)',
    description: 'The account and its history are kept; it can no longer log in and every token it holds stops working at once. Repeating it is harmless.',
  })
  @idParam()
  @ApiEnvelope(AdminUserDto, { description: 'The user, now DEACTIVATED' })
  @ApiErrorExamples({
    400: [badId],
    401: [unauthenticated],
    403: [adminOnly],
    404: [notFound],
    409: [userBusy],
    422: [{ summary: 'An administrator tried to deactivate themselves', value: { message: 'You cannot deactivate your own account', code: 'OWN_ACCOUNT_CHANGE_REFUSED' } }],
    503: [unavailable],
  })
  async deactivate(@CurrentUser() actor: AuthUser, @Param('id', ParseUserIdPipe) id: string) {
    return success(await this.commands.execute(new DeactivateUserCommand(actor.userId, id)));
  }

  @Post(':id/freeze')
  @Roles('ADMIN')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'freezeUserWallet',
    summary: "Freeze a user's wallet (administrators): no top-up, payment or transfer until unfrozen",
    description: 'No request body. Transfers to a frozen wallet fail and are refunded. Repeating it is harmless.',
  })
  @idParam()
  @ApiEnvelope(AdminUserDto, { description: 'The user, wallet_frozen: true' })
  @ApiErrorExamples({ 400: [badId], 401: [unauthenticated], 403: [adminOnly], 404: [notFound], 409: [userBusy], 503: [unavailable] })
  async freeze(@Param('id', ParseUserIdPipe) id: string) {
    return success(await this.commands.execute(new FreezeUserWalletCommand(id, true)));
  }

  @Post(':id/unfreeze')
  @Roles('ADMIN')
  @HttpCode(200)
  @ApiOperation({ operationId: 'unfreezeUserWallet', summary: "Unfreeze a user's wallet (administrators)", description: 'No request body. Repeating it is harmless.' })
  @idParam()
  @ApiEnvelope(AdminUserDto, { description: 'The user, wallet_frozen: false' })
  @ApiErrorExamples({ 400: [badId], 401: [unauthenticated], 403: [adminOnly], 404: [notFound], 409: [userBusy], 503: [unavailable] })
  async unfreeze(@Param('id', ParseUserIdPipe) id: string) {
    return success(await this.commands.execute(new FreezeUserWalletCommand(id, false)));
  }
}
