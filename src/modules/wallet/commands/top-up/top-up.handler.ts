import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { WalletAccess } from '../../domain/wallet-access';
import { IdempotencyService } from '../../../idempotency';
import { LedgerService } from '../../ledger/ledger.service';
import { TopUpCommand, TopUpResult } from './top-up.command';

@CommandHandler(TopUpCommand)
export class TopUpHandler implements ICommandHandler<TopUpCommand, TopUpResult> {
  constructor(
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly access: WalletAccess,
    private readonly config: AppConfig,
  ) {}

  execute(cmd: TopUpCommand): Promise<TopUpResult> {
    this.access.checkAmount(cmd.amount);
    return this.idempotency.run({ userId: cmd.userId, scope: 'topup', key: cmd.idempotencyKey, body: { amount: cmd.amount } }, async (topUpId, mayExist) => {
      await this.access.usableWallet(cmd.userId);
      const entry = await this.ledger.post({
        opId: `TOP_UP:${topUpId}`,
        walletId: cmd.userId,
        entryType: 'TOP_UP',
        direction: 'CREDIT',
        amount: cmd.amount,
        refId: topUpId,
        mayExist,
      });
      return {
        top_up_id: entry.ref_id,
        amount_top_up: entry.amount,
        balance_before: entry.balance_before,
        balance_after: entry.balance_after,
        created_date: formatDateTime(entry.created_at, this.config.timeZone),
      };
    });
  }
}
