import { Body, Controller, Get, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../common/decorators/auth.decorators';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { UpdateProfileCommand } from './commands/update-profile/update-profile.command';
import { UpdateProfileRequestDto } from './commands/update-profile/update-profile.request.dto';
import { GetProfileQuery } from './queries/get-profile/get-profile.query';
import { ProfileDto, ProfileUpdatedDto } from './users.views';

/** `/profile`: the signed-in user's own account. (`PUT /profile/pin` lives with the auth routes.) */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('profile')
export class ProfileHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getProfile', summary: 'My profile and balance' })
  @ApiEnvelope(ProfileDto)
  @ApiErrorExamples({ 401: [COMMON_ERROR_EXAMPLES.unauthenticated], 503: [COMMON_ERROR_EXAMPLES.unavailable] })
  async get(@CurrentUser() user: AuthUser) {
    return success(await this.queries.execute(new GetProfileQuery(user.userId)));
  }

  @Put()
  @ApiOperation({
    operationId: 'updateProfile',
    summary: 'Update my names and address (the phone number and PIN cannot change here)',
    description: 'Send any subset of `first_name`, `last_name`, `address` (at least one). `phone_number` and `pin` are refused with 400; change the PIN with PUT /profile/pin.',
  })
  @ApiEnvelope(ProfileUpdatedDto)
  @ApiErrorExamples({
    400: [
      COMMON_ERROR_EXAMPLES.unknownField,
      {
        summary: 'Empty or too long field',
        value: { message: 'Validation failed: first_name must not be empty', code: 'VALIDATION_FAILED', errors: { first_name: ['first_name must not be empty'] } },
      },
      {
        summary: 'No field given',
        value: { message: 'Validation failed: provide at least one of first_name, last_name, address', code: 'VALIDATION_FAILED' },
      },
      COMMON_ERROR_EXAMPLES.malformedJson,
    ],
    401: [COMMON_ERROR_EXAMPLES.unauthenticated],
    409: [COMMON_ERROR_EXAMPLES.userBusy],
    503: [COMMON_ERROR_EXAMPLES.unavailable],
  })
  async update(@CurrentUser() user: AuthUser, @Body() body: UpdateProfileRequestDto) {
    return success(
      await this.commands.execute(new UpdateProfileCommand(user.userId, { first_name: body.first_name, last_name: body.last_name, address: body.address })),
    );
  }
}
