import { Body, Controller, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthUser, CurrentUser, Public } from '../../common/decorators/auth.decorators';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, ErrorExample } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { LoggedOutDto, PinChangedDto, TokenPairDto } from './auth.views';
import { ChangePinCommand } from './commands/change-pin/change-pin.command';
import { ChangePinRequestDto } from './commands/change-pin/change-pin.request.dto';
import { LoginCommand } from './commands/login/login.command';
import { LoginRequestDto } from './commands/login/login.request.dto';
import { LogoutCommand } from './commands/logout/logout.command';
import { RefreshTokenCommand } from './commands/refresh-token/refresh-token.command';
import { RefreshTokenRequestDto } from './commands/refresh-token/refresh-token.request.dto';

const { unauthenticated, rateLimited, unavailable, malformedJson, userBusy } = COMMON_ERROR_EXAMPLES;
const locked: ErrorExample = {
  summary: 'Too many wrong PINs for this phone number (a `Retry-After` header carries the same seconds)',
  value: { message: 'Too many wrong PINs. Try again in 14 minutes 59 seconds.', code: 'ACCOUNT_LOCKED', retry_after_seconds: 899 },
};
const attemptsInProgress: ErrorExample = {
  summary: 'Other PIN attempts for this phone number are still being checked and hold the rest of its attempt budget; nothing was evaluated',
  value: {
    message: 'Other PIN attempts for this phone number are still being checked. Try again in 1 second.',
    code: 'PIN_ATTEMPTS_IN_PROGRESS',
    retry_after_seconds: 1,
  },
};

/** Login, token refresh, logout and PIN change. Every route here is rate limited per client address. */
@ApiTags('auth')
@UseGuards(ThrottlerGuard)
@Controller()
export class AuthHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'login',
    summary: 'Log in with phone number and PIN',
    description:
      `A wrong PIN and an unknown number get the same 401. After too many wrong PINs the number is locked for a while (423, even with the right PIN). ` +
      'At most PIN_MAX_ATTEMPTS wrong PINs are ever evaluated per lock window, however many attempts arrive at once: attempts beyond the budget ' +
      'while others are still being checked get 429 PIN_ATTEMPTS_IN_PROGRESS without being evaluated. ' +
      'A deactivated account gets 403 once the right PIN is given.',
  })
  @ApiEnvelope(TokenPairDto, { description: 'A new session: a short-lived access token and a refresh token' })
  @ApiErrorExamples({
    400: [
      { summary: 'Malformed phone number or PIN', value: { message: 'Validation failed: pin must be exactly 6 digits', code: 'VALIDATION_FAILED', errors: { pin: ['pin must be exactly 6 digits'] } } },
      malformedJson,
    ],
    401: [{ summary: 'Wrong PIN or unknown phone number', value: { message: "Phone number and pin doesn't match.", code: 'INVALID_CREDENTIALS' } }],
    403: [{ summary: 'The account was deactivated by an administrator', value: { message: 'This account has been deactivated. Please contact Dompet support.', code: 'ACCOUNT_DEACTIVATED' } }],
    423: [locked],
    429: [rateLimited, attemptsInProgress],
    503: [unavailable],
  })
  async login(@Body() body: LoginRequestDto) {
    return success(await this.commands.execute(new LoginCommand(body.phone_number, body.pin)));
  }

  @Post('refresh-token')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'refreshToken',
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'Each refresh token works once; the answer carries its successor. Presenting an already used token again ' +
      '(after a few seconds of grace for double submits) revokes the whole session.',
  })
  @ApiEnvelope(TokenPairDto, { description: 'A new access token and a new refresh token of the same session' })
  @ApiErrorExamples({
    400: [
      {
        summary: 'No refresh_token',
        value: { message: 'Validation failed: refresh_token must be a string', code: 'VALIDATION_FAILED', errors: { refresh_token: ['refresh_token must be a string'] } },
      },
      malformedJson,
    ],
    401: [{ ...unauthenticated, summary: 'Unknown, expired, already used or revoked refresh token' }],
    429: [rateLimited],
    503: [unavailable],
  })
  async refresh(@Body() body: RefreshTokenRequestDto) {
    return success(await this.commands.execute(new RefreshTokenCommand(body.refresh_token)));
  }

  @Post('logout')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    operationId: 'logout',
    summary: 'Log out: this session ends, its access and refresh tokens stop working at once',
    description: 'No request body. Other sessions of the same user (other devices) stay signed in.',
  })
  @ApiEnvelope(LoggedOutDto)
  @ApiErrorExamples({ 401: [unauthenticated], 429: [rateLimited], 503: [unavailable] })
  async logout(@CurrentUser() user: AuthUser) {
    return success(await this.commands.execute(new LogoutCommand(user.userId, user.sessionId)));
  }

  @Put('profile/pin')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    operationId: 'changePin',
    summary: 'Change my PIN',
    description:
      'Every session of the user ends at once (this one included): log in again with the new PIN. Wrong old PINs count toward the login lock ' +
      '(the same attempt budget as POST /login).',
  })
  @ApiEnvelope(PinChangedDto)
  @ApiErrorExamples({
    400: [
      { summary: 'A PIN is not 6 digits', value: { message: 'Validation failed: new_pin must be exactly 6 digits', code: 'VALIDATION_FAILED', errors: { new_pin: ['new_pin must be exactly 6 digits'] } } },
      malformedJson,
    ],
    401: [unauthenticated],
    409: [userBusy],
    422: [
      { summary: 'The old PIN is wrong', value: { message: 'The old PIN is not correct.', code: 'INVALID_OLD_PIN' } },
      { summary: 'The new PIN equals the old one', value: { message: 'The new PIN must be different from the old PIN.', code: 'SAME_PIN' } },
    ],
    423: [locked],
    429: [rateLimited, attemptsInProgress],
    503: [unavailable],
  })
  async changePin(@CurrentUser() user: AuthUser, @Body() body: ChangePinRequestDto) {
    return success(await this.commands.execute(new ChangePinCommand(user.userId, body.old_pin, body.new_pin)));
  }
}
