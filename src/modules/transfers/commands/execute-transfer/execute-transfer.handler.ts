import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { transferSucceededKey } from '../../../status-events';
import { LedgerEntry, BalanceLimitExceededError } from '../../../wallet';
import { RefundHeldError } from '../../domain/transfer.errors';
import { debitEntryOf, transferFacts, transferLeg, transferOpId } from '../../domain/transfer-legs';
import { TransferCompletedEvent, TransferFailedEvent } from '../../domain/transfer.events';
import { TransferDocument, TransferOutcomeDocument, transferRecord } from '../../persistence/transfer.schemas';
import {
  TRANSFER_CLOCK,
  TRANSFER_EVENTS,
  TRANSFER_LEDGER,
  TRANSFER_STATUS_EVENTS,
  TRANSFER_STORE,
  TRANSFER_USERS,
  TransferClock,
  TransferEvents,
  TransferLedger,
  TransferStatusEvents,
  TransferStore,
  TransferUsers,
} from '../../ports/transfer.ports';
import { ExecuteTransferCommand } from './execute-transfer.command';

/**
 * Settles a transfer. Safe to run any number of times, concurrently too:
 *  1. the sender's debit (op `TRANSFER:<id>:DEBIT`) is what makes a transfer exist: it is written only
 *     by the request that accepts it, never here; without it there is nothing to settle (a record lost
 *     after the debit is rebuilt from the debit entry);
 *  2. the settlement is posted: the receiver's credit, or the sender's refund when the receiver cannot
 *     take it (deactivated, frozen, or the credit would pass the maximum balance). Both share the op id
 *     `TRANSFER:<id>:SETTLE`, so whichever insert lands first is the only one there will ever be;
 *  3. on a credit, the sender's `transfer.succeeded` event is recorded (an insert under
 *     `<id>:SUCCEEDED`: every run re-records it, one exists), and that event is the transfer's success:
 *     nothing else is written for it (`transferStatusOf`; the sender's report shows the debit entry as
 *     succeeded by it). A refund writes `FAILED` on the debit entry and on the record, with its reason.
 *     The pending marker is cleared last, so a crash before the event leaves the marker for the
 *     recovery sweep, whose run records it.
 * A refund that does not fit (the sender's wallet filled up meanwhile) is held: the transfer stays
 * `PENDING` with its `failure_reason`, and the job (then the recovery sweep) retries until it fits.
 * A crash between any two steps leaves a state the next run completes.
 */
@CommandHandler(ExecuteTransferCommand)
export class ExecuteTransferHandler implements ICommandHandler<ExecuteTransferCommand> {
  private readonly logger = new Logger(ExecuteTransferHandler.name);

  constructor(
    @Inject(TRANSFER_STORE) private readonly transfers: TransferStore,
    @Inject(TRANSFER_LEDGER) private readonly ledger: TransferLedger,
    @Inject(TRANSFER_USERS) private readonly users: TransferUsers,
    @Inject(TRANSFER_EVENTS) private readonly events: TransferEvents,
    @Inject(TRANSFER_STATUS_EVENTS) private readonly statusEvents: TransferStatusEvents,
    @Inject(TRANSFER_CLOCK) private readonly clock: TransferClock,
  ) {}

  async execute(cmd: ExecuteTransferCommand): Promise<{ status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'MISSING' }> {
    // A job's first attempt carries the record its accepting request wrote: no read of it. Whether an
    // earlier run settled it meanwhile is then learnt from the settlement itself (see settleAndFinish).
    const fromJob = cmd.accepted?._id === cmd.transferId ? cmd.accepted : undefined;
    const found = fromJob ?? (await this.transfers.findById(cmd.transferId));
    if (found?.debit_entry_id) {
      // The record names its debit entry: it was written after the debit, so the debit exists and no
      // earlier version ever decided this transfer. One read is all it takes to settle it.
      if (found.status !== 'PENDING') return this.finish(found, found.status, found.failure_reason, false);
      // A success is not written on such a record (transferStatusOf): when it was read from the store, an
      // earlier run may have settled it, and its success event tells (a debit entry that says SUCCESS:
      // settled by an earlier version). The job's copy is the accepting request's, so its transfer is
      // settled by this run's own writes, whose claims tell instead.
      const [debit, succeeded] = fromJob
        ? [null, null]
        : await Promise.all([this.ledger.findEntry(found.debit_entry_id), this.statusEvents.findByKey(transferSucceededKey(found._id))]);
      if (debit?.status === 'SUCCESS' || succeeded?.page_key) return this.finish(found, 'SUCCESS', null, false);
      return this.settleAndFinish(found, debit ?? { _id: found.debit_entry_id }, (await this.transfers.holdReason(found)) ?? cmd.failReason, null, fromJob !== undefined);
    }
    // A record of an earlier version, or none: find the debit and any decision by their own reads.
    const [debit, decisions] = await Promise.all([this.ledger.findByOp(transferOpId(cmd.transferId, 'DEBIT')), this.transfers.findDecisions(cmd.transferId)]);
    let transfer = found;
    if (!transfer) {
      // Never accepted (its debit refused, or not written): nothing to do. If its accepting request is
      // still under way, that request records the transfer and marks it pending again after its debit.
      if (!debit) {
        await this.transfers.clearPending(cmd.transferId);
        return { status: 'MISSING' };
      }
      // Accepted, but the process died (or the database failed) before recording it: rebuild the record.
      transfer = transferRecord(transferFacts(debit), debit);
      await this.transfers.recordPending(transfer);
    }
    const outcome = decisions.outcome;
    if (outcome?.outcome === 'REJECTED') return this.finish(transfer, 'FAILED', outcome.reason, false);
    if (!debit) {
      // Recorded by an earlier version before its debit, and the debit never happened: claim that once,
      // so no later execution of that version debits it.
      const claimed = await this.transfers.claimOutcome(transfer._id, 'REJECTED', 'BALANCE_NOT_ENOUGH');
      if (claimed.outcome === 'REJECTED') return this.finish(transfer, 'FAILED', claimed.reason, false);
      throw new Error(`transfer ${transfer._id} has outcome ${claimed.outcome} but no debit yet`);
    }
    return this.settleAndFinish(transfer, debit, decisions.hold?.reason ?? transfer.hold_reason ?? cmd.failReason, outcome);
  }

  private async settleAndFinish(
    transfer: TransferDocument,
    debit: Pick<LedgerEntry, '_id'> & { status?: LedgerEntry['status'] },
    failReason: string | undefined | null,
    legacyOutcome: TransferOutcomeDocument | null,
    fromJob = false,
  ): Promise<{ status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'MISSING' }> {
    const { entry, reason, record } = legacyOutcome ? await this.settleLegacy(transfer, legacyOutcome) : await this.settle(transfer, failReason ?? undefined);
    const credited = entry.entry_type === 'TRANSFER_IN';
    // Whether this run recorded the success event: the once-only claim that it completed the transfer.
    let claimed = false;
    // A success event recorded by an earlier version (without `page_key`): the debit entry carries the success.
    let successOnDebit = false;
    if (credited) {
      // The event follows the sender's debit entry (its seq and block), which is also its payload when read: read it when only its id is known.
      const debitEntry = 'seq' in debit ? (debit as LedgerEntry) : (debitEntryOf(transfer) ?? (await this.ledger.findEntry(debit._id)));
      if (!debitEntry) throw new Error(`transfer ${transfer._id}: debit entry ${debit._id} not found`);
      const event = await this.statusEvents.record({
        userId: transfer.sender_id,
        key: transferSucceededKey(transfer._id),
        type: 'transfer.succeeded',
        afterSeq: debitEntry.seq,
        pageKey: debitEntry.page_key,
        createdAt: entry.created_at,
      });
      claimed = event.inserted;
      successOnDebit = !event.event.page_key;
      // Another run recorded the success first: the job's copy of the record may be out of date (that
      // run may have finished it), so go on from the stored record.
      if (fromJob && !event.inserted) return this.execute(new ExecuteTransferCommand(transfer._id, failReason ?? undefined));
    }
    // A refund settled from the job's copy finishes from the stored record (another run may have done it).
    const current = record ?? (fromJob && !credited ? await this.transfers.findById(transfer._id) : null) ?? transfer;
    if (!credited) await this.ledger.setStatus(debit, 'FAILED');
    else if (successOnDebit) await this.ledger.setStatus(debit, 'SUCCESS');
    return this.finish(current, credited ? 'SUCCESS' : 'FAILED', credited ? null : reason, !credited, claimed);
  }

  /** Posts the credit, or the refund when the receiver cannot take it; returns the settlement entry that exists. */
  private async settle(transfer: TransferDocument, failReason?: string): Promise<{ entry: LedgerEntry; reason: string | null; record?: TransferDocument }> {
    // A transfer already found unable to credit (its refund held) is refunded, not tried again.
    let reason = failReason ?? (await this.receiverProblem(transfer));
    if (!reason) {
      try {
        const entry = await this.ledger.post({ ...transferLeg('CREDIT', transfer), mayExist: true });
        // Another execution may have refunded first: then the refund is what exists.
        if (entry.entry_type === 'TRANSFER_IN') return { entry, reason: null };
        const latest = await this.transfers.findById(transfer._id);
        // That execution recorded the failure and its reason already: keep them (no second status write or event).
        if (latest?.status === 'FAILED') return { entry, reason: latest.failure_reason ?? 'REFUNDED', record: latest };
        return { entry, reason: (latest && (await this.transfers.holdReason(latest))) ?? 'REFUNDED' };
      } catch (err) {
        if (!(err instanceof BalanceLimitExceededError)) throw err;
        reason = 'RECEIVER_BALANCE_LIMIT';
      }
    }
    return { entry: await this.refund(transfer, reason, transferLeg('REFUND', transfer)), reason };
  }

  /** A transfer whose outcome an earlier version claimed (`CREDIT` or `REFUND`, with their own op ids). */
  private async settleLegacy(transfer: TransferDocument, outcome: TransferOutcomeDocument): Promise<{ entry: LedgerEntry; reason: string | null; record?: TransferDocument }> {
    if (outcome.outcome === 'CREDIT') {
      try {
        return { entry: await this.ledger.post({ ...transferLeg('CREDIT', transfer, true), mayExist: true }), reason: null };
      } catch (err) {
        if (err instanceof BalanceLimitExceededError) throw new RefundHeldError(transfer._id, 'the credit waits for room in the receiver wallet');
        throw err;
      }
    }
    const reason = outcome.reason ?? 'REFUNDED';
    return { entry: await this.refund(transfer, reason, transferLeg('REFUND', transfer, true)), reason };
  }

  /** Posts the refund; when it does not fit under the maximum balance the transfer is held (visible, retried). */
  private async refund(transfer: TransferDocument, reason: string, leg: ReturnType<typeof transferLeg>): Promise<LedgerEntry> {
    try {
      return await this.ledger.post({ ...leg, mayExist: true });
    } catch (err) {
      if (!(err instanceof BalanceLimitExceededError)) throw err;
      await this.transfers.holdRefund(transfer, reason, new Date(this.clock.now()));
      this.logger.warn(`transfer ${transfer._id}: refund held, the sender's wallet has no room for it (${reason})`);
      throw new RefundHeldError(transfer._id, "the refund waits for room in the sender's wallet");
    }
  }

  private async receiverProblem(transfer: TransferDocument): Promise<string | null> {
    const receiver = await this.users.findById(transfer.receiver_id);
    if (!receiver || receiver.status !== 'ACTIVE') return 'RECEIVER_INACTIVE';
    if (receiver.wallet_frozen) return 'RECEIVER_WALLET_FROZEN';
    return null;
  }

  private async finish(transfer: TransferDocument, status: 'SUCCESS' | 'FAILED', reason: string | null, refunded: boolean, claimed = false) {
    if (status === 'SUCCESS' && transfer.debit_entry_id) {
      // Not written on the record: the success event, recorded before this, is the transfer's status
      // (transferStatusOf). The run whose event insert claimed the success reports it, once.
      if (claimed) this.events.publish(new TransferCompletedEvent(transfer._id, transfer.amount));
    } else if (transfer.status !== status) {
      await this.transfers.setStatus(transfer._id, status, reason, new Date(this.clock.now()));
      if (status === 'SUCCESS') this.events.publish(new TransferCompletedEvent(transfer._id, transfer.amount));
      else this.events.publish(new TransferFailedEvent(transfer._id, transfer.amount, reason ?? 'UNKNOWN', refunded));
    }
    await this.transfers.clearPending(transfer._id);
    return { status } as const;
  }
}
