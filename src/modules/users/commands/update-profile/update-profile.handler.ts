import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnauthenticatedError, ValidationFailedError } from '../../../../common/errors';
import { AppConfig } from '../../../../config/app-config';
import { UserWriteLock } from '../../persistence/user-write-lock';
import { UsersRepository } from '../../persistence/users.repository';
import { ProfileUpdatedDto, toProfileUpdated } from '../../users.views';
import { UpdateProfileCommand } from './update-profile.command';

@CommandHandler(UpdateProfileCommand)
export class UpdateProfileHandler implements ICommandHandler<UpdateProfileCommand, ProfileUpdatedDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly lock: UserWriteLock,
    private readonly config: AppConfig,
  ) {}

  async execute({ userId, changes }: UpdateProfileCommand): Promise<ProfileUpdatedDto> {
    const { first_name, last_name, address } = changes;
    const fields = Object.fromEntries(Object.entries({ first_name, last_name, address }).filter(([, v]) => v !== undefined));
    if (Object.keys(fields).length === 0) {
      throw new ValidationFailedError('Validation failed: provide at least one of first_name, last_name, address');
    }
    return this.lock.run(userId, async () => {
      const updated = await this.users.update(userId, { ...fields, updated_at: new Date() });
      if (!updated) throw new UnauthenticatedError();
      return toProfileUpdated(updated, this.config.timeZone);
    });
  }
}
