import { Command } from '@nestjs/cqrs';
import type { NewUser } from '../../services/user-registration.service';
import type { AdminUserDto } from '../../users.views';

/** An administrator creates an account (same rules as registration, optionally another role). */
export class CreateUserCommand extends Command<AdminUserDto> {
  constructor(readonly user: NewUser) {
    super();
  }
}
