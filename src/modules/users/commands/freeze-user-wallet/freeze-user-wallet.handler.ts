import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { WalletStatusService } from '../../services/wallet-status.service';
import { AdminUserDto, toAdminUser } from '../../users.views';
import { FreezeUserWalletCommand } from './freeze-user-wallet.command';

/** Freezes or unfreezes a wallet: one numbered change, claimed by its event (see `WalletStatusService`). */
@CommandHandler(FreezeUserWalletCommand)
export class FreezeUserWalletHandler implements ICommandHandler<FreezeUserWalletCommand, AdminUserDto> {
  constructor(
    private readonly walletStatus: WalletStatusService,
    private readonly config: AppConfig,
  ) {}

  async execute({ userId, frozen }: FreezeUserWalletCommand): Promise<AdminUserDto> {
    return toAdminUser(await this.walletStatus.change(userId, frozen), this.config.timeZone);
  }
}
