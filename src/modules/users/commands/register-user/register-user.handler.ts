import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { UserRegistrationService } from '../../services/user-registration.service';
import { RegisteredUserDto, toRegisteredUser } from '../../users.views';
import { RegisterUserCommand } from './register-user.command';

@CommandHandler(RegisterUserCommand)
export class RegisterUserHandler implements ICommandHandler<RegisterUserCommand, RegisteredUserDto> {
  constructor(
    private readonly registration: UserRegistrationService,
    private readonly config: AppConfig,
  ) {}

  async execute(command: RegisterUserCommand): Promise<RegisteredUserDto> {
    const user = await this.registration.register({ ...command.user, role: 'USER' });
    return toRegisteredUser(user, this.config.timeZone);
  }
}
