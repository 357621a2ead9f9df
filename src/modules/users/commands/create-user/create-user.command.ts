import { Command } from '@nestjs/cqrs';
import type { Role } from '../../../../common/decorators/auth.decorators';
import type { AdminUserDto } from '../../user.views';

/** An administrator creates an account (same rules as registration, optionally another role). */
export class CreateUserCommand extends Command<AdminUserDto> {
  constructor(
    readonly firstName: string,
    readonly lastName: string,
    readonly phone: string,
    readonly address: string,
    readonly pin: string,
    readonly role: Role,
  ) {
    super();
  }
}
