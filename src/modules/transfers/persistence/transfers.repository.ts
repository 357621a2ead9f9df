import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import {
  PendingTransferDocument,
  TransferDocument,
  TransferOutcome,
  TransferOutcomeDocument,
  TransferStatus,
} from './transfer.schemas';

@Injectable()
export class TransfersRepository {
  constructor(
    @InjectModel(TransferDocument.name) private readonly transfers: Model<TransferDocument>,
    @InjectModel(TransferOutcomeDocument.name) private readonly outcomes: Model<TransferOutcomeDocument>,
    @InjectModel(PendingTransferDocument.name) private readonly pending: Model<PendingTransferDocument>,
  ) {}

  findById(id: string): Promise<TransferDocument | null> {
    return this.transfers.findOne({ _id: id }).lean<TransferDocument>().exec();
  }

  /** Records the transfer and its pending marker; both inserts are no-ops when they already exist. */
  async recordPending(transfer: TransferDocument): Promise<void> {
    await insertIfAbsent(this.pending.collection, { _id: transfer._id, created_at: transfer.created_at });
    await insertIfAbsent(this.transfers.collection, transfer);
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

  async setStatus(id: string, status: TransferStatus, reason: string | null, now: Date): Promise<void> {
    await this.transfers.updateOne({ _id: id }, { $set: { status, failure_reason: reason, updated_at: now, completed_at: status === 'PENDING' ? null : now } }).exec();
  }

  async clearPending(id: string): Promise<void> {
    await this.pending.deleteOne({ _id: id }).exec();
  }

  /** Unsettled transfers recorded before `cutoff`, oldest first. */
  listPendingBefore(cutoff: Date, limit: number): Promise<PendingTransferDocument[]> {
    return this.pending.find({ created_at: { $lt: cutoff } }).sort({ created_at: 1 }).limit(limit).lean<PendingTransferDocument[]>().exec();
  }

}
