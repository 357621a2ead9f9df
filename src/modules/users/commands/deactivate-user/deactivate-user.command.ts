import { Command } from '@nestjs/cqrs';
import type { AdminUserDto } from '../../users.views';

/**
 * An administrator deactivates a user (`DELETE /users/:id`): the account stays with its history,
 * but it can no longer log in and every token it holds stops working at once.
 */
export class DeactivateUserCommand extends Command<AdminUserDto> {
  constructor(
    readonly actorId: string,
    readonly userId: string,
  ) {
    super();
  }
}
