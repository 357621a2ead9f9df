import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { UsersRepository } from '../../../users/persistence/users.repository';
import { BalanceNotEnoughError } from '../../../wallet/domain/wallet.errors';
import { LedgerService } from '../../../wallet/ledger/ledger.service';
import { transferLeg } from '../../domain/transfer-legs';
import { TransferCompletedEvent, TransferFailedEvent } from '../../domain/transfer.events';
import { TransferDocument, TransferOutcomeDocument } from '../../persistence/transfer.schemas';
import { TransfersRepository } from '../../persistence/transfers.repository';
import { ExecuteTransferCommand } from './execute-transfer.command';

/**
 * Settles a transfer. Safe to run any number of times, concurrently too:
 *  1. the sender's debit is (re)applied idempotently (op `TRANSFER:<id>:DEBIT`);
 *  2. the outcome (credit the receiver, or refund the sender) is claimed once by an insert;
 *  3. the chosen leg is (re)applied idempotently, then statuses are written and the marker cleared.
 * A crash between any two steps leaves a state the next run completes.
 */
@CommandHandler(ExecuteTransferCommand)
export class ExecuteTransferHandler implements ICommandHandler<ExecuteTransferCommand> {
  constructor(
    private readonly transfers: TransfersRepository,
    private readonly ledger: LedgerService,
    private readonly users: UsersRepository,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  async execute(cmd: ExecuteTransferCommand): Promise<{ status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'MISSING' }> {
    const transfer = await this.transfers.findById(cmd.transferId);
    if (!transfer) {
      await this.transfers.clearPending(cmd.transferId);
      return { status: 'MISSING' };
    }
    let outcome = await this.transfers.findOutcome(transfer._id);
    if (outcome?.outcome === 'REJECTED') return this.settle(transfer, outcome);

    let debit;
    try {
      debit = await this.ledger.post({ ...transferLeg('DEBIT', transfer), mayExist: true });
    } catch (err) {
      if (!(err instanceof BalanceNotEnoughError)) throw err;
      outcome = await this.transfers.claimOutcome(transfer._id, 'REJECTED', 'BALANCE_NOT_ENOUGH');
      if (outcome.outcome === 'REJECTED') return this.settle(transfer, outcome);
      debit = await this.ledger.post({ ...transferLeg('DEBIT', transfer), mayExist: true });
    }

    outcome ??= await this.decide(transfer, cmd.failReason);
    if (outcome.outcome === 'CREDIT') {
      await this.ledger.post({ ...transferLeg('CREDIT', transfer), mayExist: true });
      await this.ledger.setStatus(debit, 'SUCCESS');
    } else if (outcome.outcome === 'REFUND') {
      await this.ledger.post({ ...transferLeg('REFUND', transfer), mayExist: true });
      await this.ledger.setStatus(debit, 'FAILED');
    }
    return this.settle(transfer, outcome);
  }

  /** Chooses between crediting the receiver and refunding the sender, and claims that choice once. */
  private async decide(transfer: TransferDocument, failReason?: string): Promise<TransferOutcomeDocument> {
    let reason: string | null = failReason ?? null;
    if (!reason) {
      const receiver = await this.users.findById(transfer.receiver_id);
      if (!receiver || receiver.status !== 'ACTIVE') reason = 'RECEIVER_INACTIVE';
      else if (receiver.wallet_frozen) reason = 'RECEIVER_WALLET_FROZEN';
      else if ((await this.ledger.balanceOf(receiver._id)).balance + transfer.amount > this.config.maxBalance) reason = 'RECEIVER_BALANCE_LIMIT';
    }
    return this.transfers.claimOutcome(transfer._id, reason ? 'REFUND' : 'CREDIT', reason);
  }

  private async settle(transfer: TransferDocument, outcome: TransferOutcomeDocument) {
    const status = outcome.outcome === 'CREDIT' ? 'SUCCESS' : 'FAILED';
    if (transfer.status !== status) {
      await this.transfers.setStatus(transfer._id, status, outcome.reason, new Date());
      if (status === 'SUCCESS') this.events.publish(new TransferCompletedEvent(transfer._id, transfer.amount));
      else this.events.publish(new TransferFailedEvent(transfer._id, transfer.amount, outcome.reason ?? 'UNKNOWN', outcome.outcome === 'REFUND'));
    }
    await this.transfers.clearPending(transfer._id);
    return { status } as const;
  }
}
