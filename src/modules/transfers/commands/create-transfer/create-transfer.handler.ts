import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { WalletAccess, LedgerEntry, BalanceNotEnoughError } from '../../../wallet';
import { ReceiverUnavailableError, SelfTransferError, TargetUserNotFoundError } from '../../domain/transfer.errors';
import { TransferFacts, transferFacts, transferLeg, transferOpId } from '../../domain/transfer-legs';
import { transferRecord } from '../../persistence/transfer.schemas';
import {
  TRANSFER_CLOCK,
  TRANSFER_IDEMPOTENCY,
  TRANSFER_JOBS,
  TRANSFER_LEDGER,
  TRANSFER_STORE,
  TRANSFER_USERS,
  TransferClock,
  TransferIdempotency,
  TransferJobs,
  TransferLedger,
  TransferStore,
  TransferUsers,
} from '../../ports/transfer.ports';
import { CreateTransferCommand, CreateTransferResult } from './create-transfer.command';

/**
 * Accepts a transfer: validates it, debits the sender at once (so the answer carries the sender's
 * balances, or `Balance is not enough`), records it as PENDING and enqueues its execution. The debit is
 * the acceptance: a transfer exists only once it is written. After it, the answer is the 202 whatever
 * fails (the record and the enqueue are completed by the recovery sweep), so an error answer always
 * means nothing moved.
 */
@CommandHandler(CreateTransferCommand)
export class CreateTransferHandler implements ICommandHandler<CreateTransferCommand, CreateTransferResult> {
  private readonly logger = new Logger(CreateTransferHandler.name);

  constructor(
    @Inject(TRANSFER_LEDGER) private readonly ledger: TransferLedger,
    @Inject(TRANSFER_IDEMPOTENCY) private readonly idempotency: TransferIdempotency,
    private readonly access: WalletAccess,
    @Inject(TRANSFER_USERS) private readonly users: TransferUsers,
    @Inject(TRANSFER_STORE) private readonly transfers: TransferStore,
    @Inject(TRANSFER_JOBS) private readonly queue: TransferJobs,
    private readonly config: AppConfig,
    @Inject(TRANSFER_CLOCK) private readonly clock: TransferClock,
  ) {}

  execute(cmd: CreateTransferCommand): Promise<CreateTransferResult> {
    this.access.checkAmount(cmd.amount);
    const body = { target_user: cmd.targetUserId, amount: cmd.amount, remarks: cmd.remarks };
    return this.idempotency.run({ userId: cmd.senderId, scope: 'transfer', key: cmd.idempotencyKey, body }, async (transferId, mayExist) => {
      if (cmd.targetUserId === cmd.senderId) throw new SelfTransferError();
      // A retry of a transfer that was accepted (its debit written) answers that, whatever changed since
      // (the receiver deactivated, the wallet frozen): the money moved, so the answer is the 202.
      const accepted = mayExist ? await this.ledger.findByOp(transferOpId(transferId, 'DEBIT')) : null;
      if (accepted) return this.accepted(transferFacts(accepted), accepted);
      // Sender and receiver in one read.
      const users = await this.users.findByIds([cmd.senderId, cmd.targetUserId]);
      this.access.assertUsable(users.get(cmd.senderId) ?? null);
      const receiver = users.get(cmd.targetUserId);
      if (!receiver) throw new TargetUserNotFoundError();
      if (receiver.status !== 'ACTIVE') throw new ReceiverUnavailableError('inactive');
      if (receiver.wallet_frozen) throw new ReceiverUnavailableError('frozen');

      const facts = { _id: transferId, sender_id: cmd.senderId, receiver_id: receiver._id, amount: cmd.amount, remarks: cmd.remarks };
      // The pending marker first: if this process dies right after the debit, the recovery sweep finds
      // the transfer by it (and rebuilds its record from the debit entry).
      const markedAt = this.clock.now();
      await this.transfers.markPending(transferId, new Date(markedAt));
      let debit;
      try {
        debit = await this.ledger.post({ ...transferLeg('DEBIT', facts), mayExist });
      } catch (err) {
        // Refused (or the database is down): nothing moved, there is no transfer. A marker left behind
        // is cleared by the sweep, which finds no debit for it.
        if (err instanceof BalanceNotEnoughError) await this.transfers.clearPending(transferId).catch(() => undefined);
        throw err;
      }
      // The sweep leaves markers younger than SWEEP_MIN_AGE_MS alone, so one written less than half of
      // that ago cannot have been cleared while the debit was under way: no need to write it again.
      return this.accepted(facts, debit, this.clock.now() - markedAt >= this.config.sweepMinAgeMs / 2);
    });
  }

  /** The answer once the debit is written; recording and enqueueing the transfer cannot turn it into an error. */
  private async accepted(facts: TransferFacts, debit: LedgerEntry, markAgain = true): Promise<CreateTransferResult> {
    // From here on the money has moved: whatever fails now must not turn the answer into an error.
    const record = transferRecord(facts, debit);
    let inserted = false;
    try {
      inserted = await this.transfers.recordPending(record, markAgain);
    } catch (err) {
      this.logger.warn(`recording transfer ${facts._id} failed, recovery will rebuild it from its debit: ${(err as Error).message}`);
    }
    try {
      // The job carries the record only when this request wrote it: then it is what is stored.
      await this.queue.enqueue(facts._id, inserted ? record : undefined);
    } catch (err) {
      // The transfer is recorded and debited; the recovery sweep enqueues it once Redis answers again.
      this.logger.warn(`enqueue of transfer ${facts._id} failed, recovery will retry: ${(err as Error).message}`);
    }
    return {
      transfer_id: facts._id,
      amount: debit.amount,
      remarks: debit.remarks,
      balance_before: debit.balance_before,
      balance_after: debit.balance_after,
      created_date: formatDateTime(debit.created_at, this.config.timeZone),
      // Accepted for the background: its progress is read with GET /transfers/:id.
      status: 'PENDING',
    };
  }
}
