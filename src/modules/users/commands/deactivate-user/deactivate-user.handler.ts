import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { OwnAccountChangeError, UserNotFoundError } from '../../domain/user.errors';
import { UserAuthStateCache } from '../../persistence/user-auth-state.cache';
import { UserWriteLock } from '../../persistence/user-write-lock';
import { UsersRepository } from '../../persistence/users.repository';
import { AdminUserDto, toAdminUser } from '../../users.views';
import { DeactivateUserCommand } from './deactivate-user.command';

@CommandHandler(DeactivateUserCommand)
export class DeactivateUserHandler implements ICommandHandler<DeactivateUserCommand, AdminUserDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly lock: UserWriteLock,
    private readonly authState: UserAuthStateCache,
    private readonly config: AppConfig,
  ) {}

  async execute({ actorId, userId }: DeactivateUserCommand): Promise<AdminUserDto> {
    if (userId === actorId) throw new OwnAccountChangeError('deactivate');
    return this.lock.run(userId, async () => {
      const user = await this.users.findById(userId);
      if (!user) throw new UserNotFoundError();
      // Idempotent: deactivating again re-publishes the state (in case Redis missed it the first time).
      const updated =
        user.status === 'DEACTIVATED'
          ? user
          : await this.users.update(userId, { status: 'DEACTIVATED', token_version: user.token_version + 1, updated_at: new Date() });
      if (!updated) throw new UserNotFoundError();
      // MongoDB first, then Redis: from here on every instance refuses the user's tokens.
      await this.authState.publish(updated);
      return toAdminUser(updated, this.config.timeZone);
    });
  }
}
