import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { UserRegistrationService } from '../../services/user-registration.service';
import { AdminUserDto, toAdminUser } from '../../users.views';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, AdminUserDto> {
  constructor(
    private readonly registration: UserRegistrationService,
    private readonly config: AppConfig,
  ) {}

  async execute(command: CreateUserCommand): Promise<AdminUserDto> {
    const user = await this.registration.register(command.user);
    return toAdminUser(user, this.config.timeZone);
  }
}
