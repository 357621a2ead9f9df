import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { WalletAccess } from '../../domain/wallet-access';
import { IdempotencyService } from '../../../idempotency';
import { LedgerService } from '../../ledger/ledger.service';
import { PayCommand, PayResult } from './pay.command';

@CommandHandler(PayCommand)
export class PayHandler implements ICommandHandler<PayCommand, PayResult> {
  constructor(
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly access: WalletAccess,
    private readonly config: AppConfig,
  ) {}

  execute(cmd: PayCommand): Promise<PayResult> {
    this.access.checkAmount(cmd.amount);
    const body = { amount: cmd.amount, remarks: cmd.remarks };
    return this.idempotency.run({ userId: cmd.userId, scope: 'pay', key: cmd.idempotencyKey, body }, async (paymentId, mayExist) => {
      await this.access.usableWallet(cmd.userId, cmd.walletFrozen);
      const entry = await this.ledger.post({
        opId: `PAYMENT:${paymentId}`,
        walletId: cmd.userId,
        entryType: 'PAYMENT',
        direction: 'DEBIT',
        amount: cmd.amount,
        refId: paymentId,
        remarks: cmd.remarks,
        mayExist,
      });
      return {
        payment_id: entry.ref_id,
        amount: entry.amount,
        remarks: entry.remarks,
        balance_before: entry.balance_before,
        balance_after: entry.balance_after,
        created_date: formatDateTime(entry.created_at, this.config.timeZone),
      };
    });
  }
}
