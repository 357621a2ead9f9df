import { Command } from '@nestjs/cqrs';
import type { Role } from '../../../../common/decorators/auth.decorators';
import type { AdminUserDto } from '../../users.views';

export interface UserChanges {
  first_name?: string;
  last_name?: string;
  address?: string;
  role?: Role;
}

/** An administrator edits a user's names, address or role. */
export class UpdateUserCommand extends Command<AdminUserDto> {
  constructor(
    readonly actorId: string,
    readonly userId: string,
    readonly changes: UserChanges,
  ) {
    super();
  }
}
