import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { WalletStatusData, walletStatusKey } from '../../../events/domain/wallet-event';
import { StatusEventLog } from '../../../events/persistence/status-event-log';
import { UserNotFoundError } from '../../domain/user.errors';
import { UserWriteLock } from '../../persistence/user-write-lock';
import { UserRecord, UsersRepository } from '../../persistence/users.repository';
import { AdminUserDto, toAdminUser } from '../../user.views';
import { FreezeUserWalletCommand } from './freeze-user-wallet.command';

/**
 * Freezes or unfreezes a wallet. Each status change is numbered (1, 2, …) and **claimed by its event**
 * first: the insert of `wallet.frozen` / `wallet.unfrozen` under `<user_id>:wallet-status:<v>` decides
 * that change v happens (two admins racing get one change, one event), and only then is the user
 * written. So the status never changes without its event. A crash between the two leaves the event
 * ahead of the user document: the next freeze or unfreeze of that user (an admin's retry) first
 * catches the document up with every claimed change. Does not rely on the write lock (which Redis
 * being down skips): after writing, it checks that no later change was claimed meanwhile.
 */
@CommandHandler(FreezeUserWalletCommand)
export class FreezeUserWalletHandler implements ICommandHandler<FreezeUserWalletCommand, AdminUserDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly lock: UserWriteLock,
    private readonly config: AppConfig,
    private readonly statusEvents: StatusEventLog,
  ) {}

  async execute({ userId, frozen }: FreezeUserWalletCommand): Promise<AdminUserDto> {
    return this.lock.run(userId, async () => {
      let user = await this.users.findById(userId);
      if (!user) throw new UserNotFoundError();
      for (;;) {
        const { version, state } = await this.decide(user, frozen);
        if (user.wallet_frozen !== state || (user.wallet_status_version ?? 0) !== version) {
          const updated: UserRecord | null = await this.users.update(userId, { wallet_frozen: state, wallet_status_version: version, updated_at: new Date() });
          if (!updated) throw new UserNotFoundError();
          user = updated;
        }
        // A change claimed after the head read above would be undone by this write: follow it.
        if (!(await this.statusEvents.findByKey(walletStatusKey(userId, version + 1)))) break;
      }
      return toAdminUser(user, this.config.timeZone);
    });
  }

  /** The wallet's status after every claimed change, plus the change to `frozen` (claimed here) if it differs. */
  private async decide(user: UserRecord, frozen: boolean): Promise<{ version: number; state: boolean }> {
    let version = user.wallet_status_version ?? 0;
    let state = user.wallet_frozen;
    for (;;) {
      let next;
      while ((next = await this.statusEvents.findByKey(walletStatusKey(user._id, version + 1)))) {
        version++;
        state = (next.data as unknown as WalletStatusData).wallet_frozen;
      }
      if (state === frozen) return { version, state };
      const now = new Date();
      const data: WalletStatusData = { user_id: user._id, wallet_frozen: frozen, version: version + 1, updated_date: formatDateTime(now, this.config.timeZone) };
      const { inserted } = await this.statusEvents.record({
        userId: user._id,
        key: walletStatusKey(user._id, version + 1),
        type: frozen ? 'wallet.frozen' : 'wallet.unfrozen',
        afterSeq: 0,
        createdAt: now,
        data,
      });
      if (inserted) return { version: version + 1, state: frozen };
      // Another request claimed change version + 1 first: read it and decide again.
    }
  }
}
