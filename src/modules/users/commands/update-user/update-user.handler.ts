import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ValidationFailedError } from '../../../../common/errors';
import { AppConfig } from '../../../../config/app-config';
import { OwnAccountChangeError, UserNotFoundError } from '../../domain/user.errors';
import { UserAuthStateCache } from '../../persistence/user-auth-state.cache';
import { UserWriteLock } from '../../persistence/user-write-lock';
import { UsersRepository } from '../../persistence/users.repository';
import { AdminUserDto, toAdminUser } from '../../users.views';
import { UpdateUserCommand } from './update-user.command';

@CommandHandler(UpdateUserCommand)
export class UpdateUserHandler implements ICommandHandler<UpdateUserCommand, AdminUserDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly lock: UserWriteLock,
    private readonly authState: UserAuthStateCache,
    private readonly config: AppConfig,
  ) {}

  async execute({ actorId, userId, changes }: UpdateUserCommand): Promise<AdminUserDto> {
    const fields = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(fields).length === 0) {
      throw new ValidationFailedError('Validation failed: provide at least one of first_name, last_name, address, role');
    }
    return this.lock.run(userId, async () => {
      const user = await this.users.findById(userId);
      if (!user) throw new UserNotFoundError();
      if (userId === actorId && fields.role !== undefined && fields.role !== user.role) throw new OwnAccountChangeError('change the role of');
      const updated = await this.users.update(userId, { ...fields, updated_at: new Date() });
      if (!updated) throw new UserNotFoundError();
      // A role change must reach every instance's session check at once (the guard uses the current role).
      if (updated.role !== user.role) await this.authState.publish(updated);
      return toAdminUser(updated, this.config.timeZone);
    });
  }
}
