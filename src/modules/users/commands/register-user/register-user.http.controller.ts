import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthThrottlerGuard } from '../../../auth/guards/auth-throttler.guard';
import { Public } from '../../../../common/decorators/auth.decorators';
import { ApiEnvelope } from '../../../../common/http/api-responses';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES } from '../../../../common/http/api-error-examples';
import { success } from '../../../../common/http/envelope';
import { RegisteredUserDto } from '../../user.views';
import { RegisterUserCommand } from './register-user.command';
import { RegisterUserRequestDto } from './register-user.request.dto';

@ApiTags('auth')
@Controller()
export class RegisterUserHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('register')
  @Public()
  @UseGuards(AuthThrottlerGuard)
  @HttpCode(201)
  @ApiOperation({ summary: 'Register with a phone number and a 6-digit PIN' })
  @ApiEnvelope(RegisteredUserDto, { status: 201, description: 'User created' })
  @ApiErrorExamples({
    400: [
      {
        summary: 'Invalid field',
        value: { message: 'Validation failed: pin must be exactly 6 digits', code: 'VALIDATION_FAILED', errors: { pin: ['pin must be exactly 6 digits'] } },
      },
    ],
    409: [{ summary: 'The phone number (in any spelling) already has an account', value: { message: 'Phone Number already registered', code: 'PHONE_ALREADY_REGISTERED' } }],
    429: [COMMON_ERROR_EXAMPLES.rateLimited],
  })
  async register(@Body() body: RegisterUserRequestDto) {
    return success(
      await this.commands.execute(new RegisterUserCommand(body.first_name, body.last_name, body.phone_number, body.address, body.pin)),
    );
  }
}
