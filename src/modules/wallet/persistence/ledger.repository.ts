import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { BulkWriteBatcher, firstWriteError, GROUP_COMMIT, InsertBatcher } from '../../../common/database/insert-batcher';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import { EntryStatus, LedgerEntry, RunningTotals, entryId, storedTotals, totalsOf } from '../domain/ledger-entry';
import { LedgerEntryDocument, WalletHeadDocument } from './ledger.schemas';

export interface WalletHead {
  seq: number;
  balance: number;
  /** The running totals of entry `seq` (`NO_TOTALS` for the empty wallet); absent when unknown. */
  running?: RunningTotals;
}

/**
 * Persistence of the ledger. Every read on a hot path is an `_id` lookup or the unique `op_id` index;
 * every write that must not race is an insert under a unique key (`_id` = wallet slot, `op_id`). The hot
 * path goes through the driver's collection directly (`lean` documents, no Mongoose query building).
 * Entry inserts of this process share `insertMany` round trips, and status writes of entries (a
 * transfer's debit settled, a hold decided) `bulkWrite` round trips (group commit, `GROUP_COMMIT`).
 * Measured on FerretDB 1.24 on PostgreSQL: one insert per round trip 835–986 entries/s, batches of 10
 * with 4 in flight 4,484–5,291/s (docs/performance.md).
 */
@Injectable()
export class LedgerRepository {
  private readonly inserts: InsertBatcher<LedgerEntry>;
  private readonly statusWrites: BulkWriteBatcher<LedgerEntry>;

  constructor(
    @InjectModel(LedgerEntryDocument.name) private readonly entries: Model<LedgerEntryDocument>,
    @InjectModel(WalletHeadDocument.name) private readonly heads: Model<WalletHeadDocument>,
  ) {
    this.inserts = new InsertBatcher<LedgerEntry>(this.entries.collection as never, GROUP_COMMIT);
    this.statusWrites = new BulkWriteBatcher<LedgerEntry>(this.entries.collection as never, GROUP_COMMIT);
  }

  findEntry(id: string): Promise<LedgerEntry | null> {
    return this.entries.collection.findOne({ _id: id } as never) as Promise<LedgerEntry | null>;
  }

  /** Inserts the entry, claiming its slot and its op id at once; false when either is already taken. */
  insertEntry(entry: LedgerEntry): Promise<boolean> {
    return this.inserts.insert(entry);
  }

  /**
   * Inserts consecutive entries of one wallet in one ordered round trip and returns how many of the
   * first ones landed: an ordered insert stops at the first document it cannot insert (a taken slot or
   * operation, or another per-document error), so none after it is written. Throws when the round trip
   * failed as a whole (then any prefix may have landed).
   */
  async insertRun(entries: LedgerEntry[]): Promise<number> {
    try {
      await this.entries.collection.insertMany(entries as never[], { ordered: true });
      return entries.length;
    } catch (err) {
      const first = firstWriteError(err);
      if (first === null) throw err;
      return first;
    }
  }

  /** The entry of an operation (unique index `op_id`), if it was applied. */
  findEntryByOp(opId: string): Promise<LedgerEntry | null> {
    return this.entries.collection.findOne({ op_id: opId }) as Promise<LedgerEntry | null>;
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

  /** Sets an entry's status (a plain `$set`, safe to repeat); concurrent ones share round trips. */
  setEntryStatus(entryId: string, status: EntryStatus): Promise<void> {
    return this.statusWrites.write({ updateOne: { filter: { _id: entryId }, update: { $set: { status, status_at: new Date() } } } });
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
