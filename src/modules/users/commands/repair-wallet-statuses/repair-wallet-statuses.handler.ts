import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WalletStatusService } from '../../services/wallet-status.service';
import { RepairWalletStatusesCommand } from './repair-wallet-statuses.command';

@CommandHandler(RepairWalletStatusesCommand)
export class RepairWalletStatusesHandler implements ICommandHandler<RepairWalletStatusesCommand> {
  private readonly logger = new Logger(RepairWalletStatusesHandler.name);

  constructor(private readonly walletStatus: WalletStatusService) {}

  async execute(cmd: RepairWalletStatusesCommand): Promise<{ examined: number; repaired: number }> {
    const result = await this.walletStatus.repair(cmd.olderThanMs);
    if (result.repaired) this.logger.log(`completed ${result.repaired} wallet status change(s) interrupted before the user was written`);
    return result;
  }
}
