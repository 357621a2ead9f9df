import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import { EntryStatus, LedgerEntry, RunningTotals, entryId, storedTotals, totalsOf } from '../domain/ledger-entry';
import { LedgerEntryDocument, LedgerOpDocument, WalletHeadDocument } from './ledger.schemas';

export interface WalletHead {
  seq: number;
  balance: number;
  /** The running totals of entry `seq` (`NO_TOTALS` for the empty wallet); absent when unknown. */
  running?: RunningTotals;
}

/**
 * Persistence of the ledger. Every read on a hot path is an `_id` lookup; every write that must not
 * race is an insert under a unique key (`_id` = wallet slot, `op_id` unique index).
 */
@Injectable()
export class LedgerRepository {
  constructor(
    @InjectModel(LedgerEntryDocument.name) private readonly entries: Model<LedgerEntryDocument>,
    @InjectModel(LedgerOpDocument.name) private readonly ops: Model<LedgerOpDocument>,
    @InjectModel(WalletHeadDocument.name) private readonly heads: Model<WalletHeadDocument>,
  ) {}

  findEntry(id: string): Promise<LedgerEntry | null> {
    return this.entries.findOne({ _id: id }).lean<LedgerEntry>().exec();
  }

  /** Inserts the entry, claiming its slot and its op id at once; false when either is already taken. */
  insertEntry(entry: LedgerEntry): Promise<boolean> {
    return insertIfAbsent(this.entries.collection, entry);
  }

  /** Finds an operation's entry: one `_id` read through the pointer, else (rare: a crash left no pointer) a query on `op_id`. */
  async findEntryByOp(opId: string, pointerOnly = false): Promise<LedgerEntry | null> {
    const pointer = await this.ops.findOne({ _id: opId }).lean<LedgerOpDocument>().exec();
    if (pointer) return this.findEntry(pointer.entry_id);
    if (pointerOnly) return null;
    const entry = await this.entries.findOne({ op_id: opId }).lean<LedgerEntry>().exec();
    if (entry) await this.writeOpPointer(opId, entry._id);
    return entry;
  }

  async writeOpPointer(opId: string, entryId: string): Promise<void> {
    await insertIfAbsent(this.ops.collection, { _id: opId, entry_id: entryId });
  }

  async readHeadHint(walletId: string): Promise<WalletHead | null> {
    const head = await this.heads.findOne({ _id: walletId }).lean<WalletHeadDocument>().exec();
    const running = totalsOf(head?.running);
    return head ? { seq: head.seq, balance: head.balance, ...(running ? { running } : {}) } : null;
  }

  /**
   * Moves the hint forward (never backward on MongoDB; on FerretDB a concurrent older write can win,
   * which only makes the next reader walk a few more slots).
   */
  async advanceHeadHint(walletId: string, head: WalletHead, now: Date): Promise<void> {
    const fields = { seq: head.seq, balance: head.balance, ...(head.running ? { running: storedTotals(head.running) } : {}), updated_at: now };
    // `running` always describes entry `seq`: set with it, or removed when not known.
    const update = head.running ? { $set: fields } : { $set: fields, $unset: { running: '' } };
    const res = await this.heads.updateOne({ _id: walletId, seq: { $lt: head.seq } }, update).exec();
    if (res.matchedCount === 0) {
      await insertIfAbsent(this.heads.collection, { _id: walletId, ...fields });
    }
  }

  async setEntryStatus(entryId: string, status: EntryStatus): Promise<void> {
    await this.entries.updateOne({ _id: entryId }, { $set: { status } }).exec();
  }

  /**
   * Every wallet's head hint (`_id`, `seq`, `updated_at`), streamed in batches in one query (the webhook
   * dispatcher's periodic catch-up compares them with how far it has dispatched each wallet).
   */
  async *walkHeadHints(batchSize = 500): AsyncGenerator<{ walletId: string; seq: number; updatedAt: Date }> {
    const cursor = this.heads.find({}, { _id: 1, seq: 1, updated_at: 1 }).lean<WalletHeadDocument[]>().cursor({ batchSize });
    try {
      for await (const head of cursor as AsyncIterable<WalletHeadDocument>) yield { walletId: head._id, seq: head.seq, updatedAt: head.updated_at };
    } finally {
      await cursor.close();
    }
  }

  /** Entries of one wallet from `fromSeq` upward, by `_id` reads (used by verification and reports). */
  async *walk(walletId: string, fromSeq = 1): AsyncGenerator<LedgerEntry> {
    for (let seq = fromSeq; ; seq++) {
      const entry = await this.findEntry(entryId(walletId, seq));
      if (!entry) return;
      yield entry;
    }
  }
}
