import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { BulkWriteBatcher, GROUP_COMMIT, InsertBatcher, RemoveBatcher } from '../../../common/database/insert-batcher';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import {
  PendingTransferDocument,
  TransferDocument,
  TransferOutcome,
  TransferOutcomeDocument,
  TransferStatus,
} from './transfer.schemas';

/**
 * Transfers, their pending markers and outcomes. The concurrent writes of a process to one collection
 * share round trips (group commit, `GROUP_COMMIT`): the inserts (a marker, a record) are claims under
 * their `_id`, answered one by one; the writes that end a transfer's execution (its status, its marker's
 * removal) are plain `$set`s and deletes by `_id`, safe to repeat.
 */
@Injectable()
export class TransfersRepository {
  private readonly recordInserts: InsertBatcher<TransferDocument>;
  private readonly markerInserts: InsertBatcher<PendingTransferDocument>;
  private readonly statusWrites: BulkWriteBatcher<TransferDocument>;
  private readonly markerRemovals: RemoveBatcher;

  constructor(
    @InjectModel(TransferDocument.name) private readonly transfers: Model<TransferDocument>,
    @InjectModel(TransferOutcomeDocument.name) private readonly outcomes: Model<TransferOutcomeDocument>,
    @InjectModel(PendingTransferDocument.name) private readonly pending: Model<PendingTransferDocument>,
  ) {
    this.recordInserts = new InsertBatcher<TransferDocument>(this.transfers.collection as never, GROUP_COMMIT);
    this.markerInserts = new InsertBatcher<PendingTransferDocument>(this.pending.collection as never, GROUP_COMMIT);
    this.statusWrites = new BulkWriteBatcher<TransferDocument>(this.transfers.collection as never, GROUP_COMMIT);
    this.markerRemovals = new RemoveBatcher(this.pending.collection as never, GROUP_COMMIT);
  }

  findById(id: string): Promise<TransferDocument | null> {
    return this.transfers.findOne({ _id: id }).lean<TransferDocument>().exec();
  }

  /** Marks a transfer as not settled yet (a no-op when the marker exists). */
  async markPending(id: string, now: Date): Promise<void> {
    await this.markerInserts.insert({ _id: id, created_at: now });
  }

  /**
   * Records the transfer and (again, unless `markAgain` is false) its pending marker; both inserts are
   * no-ops when they exist. The marker is written again when the sweep may have cleared it while the
   * debit was under way.
   */
  async recordPending(transfer: TransferDocument, markAgain = true): Promise<boolean> {
    const inserted = await this.recordInserts.insert(transfer);
    if (markAgain) await this.markPending(transfer._id, transfer.created_at);
    return inserted;
  }

  findOutcome(id: string): Promise<TransferOutcomeDocument | null> {
    return this.outcomes.findOne({ _id: id }).lean<TransferOutcomeDocument>().exec();
  }

  /** Claims the outcome; when another execution claimed first, returns that one instead. */
  async claimOutcome(id: string, outcome: TransferOutcome, reason: string | null): Promise<TransferOutcomeDocument> {
    const doc: TransferOutcomeDocument = { _id: id, outcome, reason, decided_at: new Date() };
    if (await insertIfAbsent(this.outcomes.collection, doc)) return doc;
    const existing = await this.findOutcome(id);
    if (!existing) throw new Error(`outcome of transfer ${id} vanished`);
    return existing;
  }

  setStatus(id: string, status: TransferStatus, reason: string | null, now: Date): Promise<void> {
    return this.statusWrites.write({
      updateOne: { filter: { _id: id }, update: { $set: { status, failure_reason: reason, updated_at: now, completed_at: status === 'PENDING' ? null : now } } },
    });
  }

  /**
   * The transfer's outcome (`REJECTED`, or `CREDIT`/`REFUND` claimed by an earlier version) and its
   * refund hold, if any: one query for both (`_id` = transfer id, and `<transfer id>:HOLD`).
   */
  async findDecisions(id: string): Promise<{ outcome: TransferOutcomeDocument | null; hold: TransferOutcomeDocument | null }> {
    const docs = await this.outcomes.find({ _id: { $in: [id, holdId(id)] } }).lean<TransferOutcomeDocument[]>().exec();
    return { outcome: docs.find((d) => d._id === id) ?? null, hold: docs.find((d) => d._id === holdId(id)) ?? null };
  }

  /**
   * Why the transfer's refund is held, if it is: on the record itself (`hold_reason`), or, for a record
   * of an earlier version (no `debit_entry_id`), in `transfer_outcomes/<id>:HOLD`.
   */
  async holdReason(transfer: TransferDocument): Promise<string | null> {
    if (transfer.debit_entry_id) return transfer.hold_reason ?? null;
    return (await this.outcomes.findOne({ _id: holdId(transfer._id) }).lean<TransferOutcomeDocument>().exec())?.reason ?? null;
  }

  /**
   * Records that a transfer's refund is held and why the receiver was not credited: from then on its
   * executions refund rather than try the credit again, and its view shows the reason. It describes the
   * state only (a plain `$set`, the same whoever writes it); the money is decided by the ledger's
   * settlement entry alone.
   */
  async holdRefund(transfer: TransferDocument, reason: string, now: Date): Promise<void> {
    if (transfer.debit_entry_id) {
      await this.transfers.updateOne({ _id: transfer._id }, { $set: { hold_reason: reason, updated_at: now } }).exec();
    } else {
      await insertIfAbsent(this.outcomes.collection, { _id: holdId(transfer._id), outcome: 'HOLD', reason, decided_at: now });
    }
  }

  clearPending(id: string): Promise<void> {
    return this.markerRemovals.remove(id);
  }

  /** Unsettled transfers recorded before `cutoff`, oldest first. */
  listPendingBefore(cutoff: Date, limit: number): Promise<PendingTransferDocument[]> {
    return this.pending.find({ created_at: { $lt: cutoff } }).sort({ created_at: 1 }).limit(limit).lean<PendingTransferDocument[]>().exec();
  }

}

function holdId(transferId: string): string {
  return `${transferId}:HOLD`;
}
