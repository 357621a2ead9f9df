import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../../common/decorators/auth.decorators';
import { ApiEnvelope } from '../../common/http/api-responses';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES } from '../../common/http/api-error-examples';
import { success } from '../../common/http/envelope';
import { RegisteredUserDto } from './users.views';
import { newUserFields } from './http/user-fields';
import { RegisterUserCommand } from './commands/register-user/register-user.command';
import { RegisterUserRequestDto } from './commands/register-user/register-user.request.dto';

@ApiTags('auth')
@Controller()
export class RegisterUserHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('register')
  @Public()
  @UseGuards(ThrottlerGuard)
  @HttpCode(201)
  @ApiOperation({
    operationId: 'register',
    summary: 'Register with a phone number and a 6-digit PIN',
    description:
      'Creates a USER account with an empty wallet. The phone number may be written `0811…`, `+62811…` or `62811…`: all are the same ' +
      'number, stored as `08…`. Log in afterwards with POST /login. Rate limited per client address.',
  })
  @ApiEnvelope(RegisteredUserDto, { status: 201, description: 'User created' })
  @ApiErrorExamples({
    400: [
      {
        summary: 'Invalid field',
        value: { message: 'Validation failed: pin must be exactly 6 digits', code: 'VALIDATION_FAILED', errors: { pin: ['pin must be exactly 6 digits'] } },
      },
      COMMON_ERROR_EXAMPLES.malformedJson,
    ],
    409: [{ summary: 'The phone number (in any spelling) already has an account', value: { message: 'Phone Number already registered', code: 'PHONE_ALREADY_REGISTERED' } }],
    429: [COMMON_ERROR_EXAMPLES.rateLimited],
    503: [COMMON_ERROR_EXAMPLES.unavailable],
  })
  async register(@Body() body: RegisterUserRequestDto) {
    return success(
      await this.commands.execute(new RegisterUserCommand(newUserFields(body))),
    );
  }
}
