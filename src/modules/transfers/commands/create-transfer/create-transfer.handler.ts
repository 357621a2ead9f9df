import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { UsersRepository } from '../../../users/persistence/users.repository';
import { WalletAccess } from '../../../wallet/domain/wallet-access';
import { BalanceNotEnoughError } from '../../../wallet/domain/wallet.errors';
import { IdempotencyService } from '../../../wallet/idempotency/idempotency.service';
import { LedgerService } from '../../../wallet/ledger/ledger.service';
import { ReceiverUnavailableError, SelfTransferError, TargetUserNotFoundError } from '../../domain/transfer.errors';
import { transferLeg } from '../../domain/transfer-legs';
import { TransfersRepository } from '../../persistence/transfers.repository';
import { TransferQueue } from '../../queue/transfer-queue';
import { CreateTransferCommand, CreateTransferResult } from './create-transfer.command';

/**
 * Accepts a transfer: validates it, records it as PENDING, debits the sender at once (so the answer
 * carries the sender's balances, or `Balance is not enough`) and enqueues its execution.
 */
@CommandHandler(CreateTransferCommand)
export class CreateTransferHandler implements ICommandHandler<CreateTransferCommand, CreateTransferResult> {
  private readonly logger = new Logger(CreateTransferHandler.name);

  constructor(
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly access: WalletAccess,
    private readonly users: UsersRepository,
    private readonly transfers: TransfersRepository,
    private readonly queue: TransferQueue,
    private readonly config: AppConfig,
  ) {}

  execute(cmd: CreateTransferCommand): Promise<CreateTransferResult> {
    this.access.checkAmount(cmd.amount);
    const body = { target_user: cmd.targetUserId, amount: cmd.amount, remarks: cmd.remarks };
    return this.idempotency.run({ userId: cmd.senderId, scope: 'transfer', key: cmd.idempotencyKey, body }, async (transferId, mayExist) => {
      if (cmd.targetUserId === cmd.senderId) throw new SelfTransferError();
      await this.access.usableWallet(cmd.senderId);
      const receiver = await this.users.findById(cmd.targetUserId);
      if (!receiver) throw new TargetUserNotFoundError();
      if (receiver.status !== 'ACTIVE') throw new ReceiverUnavailableError('inactive');
      if (receiver.wallet_frozen) throw new ReceiverUnavailableError('frozen');

      // Cheap early refusal; the ledger still decides under concurrency.
      if (!mayExist && (await this.ledger.balanceOf(cmd.senderId)).balance < cmd.amount) throw new BalanceNotEnoughError();

      const now = new Date();
      await this.transfers.recordPending({
        _id: transferId,
        sender_id: cmd.senderId,
        receiver_id: receiver._id,
        amount: cmd.amount,
        remarks: cmd.remarks,
        status: 'PENDING',
        failure_reason: null,
        created_at: now,
        updated_at: now,
        completed_at: null,
      });
      let debit;
      try {
        debit = await this.ledger.post({ ...transferLeg('DEBIT', { _id: transferId, sender_id: cmd.senderId, receiver_id: receiver._id, amount: cmd.amount, remarks: cmd.remarks }), mayExist });
      } catch (err) {
        if (err instanceof BalanceNotEnoughError) {
          // Nothing moved: settle the record as rejected so no execution ever acts on it.
          const outcome = await this.transfers.claimOutcome(transferId, 'REJECTED', 'BALANCE_NOT_ENOUGH');
          if (outcome.outcome === 'REJECTED') {
            await this.transfers.setStatus(transferId, 'FAILED', 'BALANCE_NOT_ENOUGH', new Date());
            await this.transfers.clearPending(transferId);
          }
        }
        throw err;
      }
      try {
        await this.queue.enqueue(transferId);
      } catch (err) {
        // The transfer is recorded and debited; the recovery sweep enqueues it once Redis answers again.
        this.logger.warn(`enqueue of transfer ${transferId} failed, recovery will retry: ${(err as Error).message}`);
      }
      const transfer = await this.transfers.findById(transferId);
      return {
        transfer_id: transferId,
        amount: debit.amount,
        remarks: debit.remarks,
        balance_before: debit.balance_before,
        balance_after: debit.balance_after,
        created_date: formatDateTime(debit.created_at, this.config.timeZone),
        status: transfer?.status ?? 'PENDING',
      };
    });
  }
}
