import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { UserNotFoundError } from '../../domain/user.errors';
import { UserWriteLock } from '../../persistence/user-write-lock';
import { UsersRepository } from '../../persistence/users.repository';
import { AdminUserDto, toAdminUser } from '../../user.views';
import { FreezeUserWalletCommand } from './freeze-user-wallet.command';

@CommandHandler(FreezeUserWalletCommand)
export class FreezeUserWalletHandler implements ICommandHandler<FreezeUserWalletCommand, AdminUserDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly lock: UserWriteLock,
    private readonly config: AppConfig,
  ) {}

  async execute({ userId, frozen }: FreezeUserWalletCommand): Promise<AdminUserDto> {
    return this.lock.run(userId, async () => {
      const user = await this.users.findById(userId);
      if (!user) throw new UserNotFoundError();
      const updated = user.wallet_frozen === frozen ? user : await this.users.update(userId, { wallet_frozen: frozen, updated_at: new Date() });
      if (!updated) throw new UserNotFoundError();
      return toAdminUser(updated, this.config.timeZone);
    });
  }
}
