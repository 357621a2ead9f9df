import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import type { HoldStatus } from '../domain/hold';
import { HoldDocument, HoldOutcomeDocument } from './hold.schemas';

export type HoldState = Pick<HoldDocument, 'status' | 'captured_amount' | 'released_amount' | 'release_pending' | 'settled' | 'due_at'>;

/** Persistence of holds. The only write that decides anything is the outcome insert (`claimOutcome`). */
@Injectable()
export class HoldsRepository {
  constructor(
    @InjectModel(HoldDocument.name) private readonly holds: Model<HoldDocument>,
    @InjectModel(HoldOutcomeDocument.name) private readonly outcomes: Model<HoldOutcomeDocument>,
  ) {}

  /** Records a hold about to be debited; false when it is already recorded (a retry). */
  insert(hold: HoldDocument): Promise<boolean> {
    return insertIfAbsent(this.holds.collection, hold);
  }

  findById(id: string): Promise<HoldDocument | null> {
    return this.holds.findOne({ _id: id }).lean<HoldDocument>().exec();
  }

  findOutcome(id: string): Promise<HoldOutcomeDocument | null> {
    return this.outcomes.findOne({ _id: id }).lean<HoldOutcomeDocument>().exec();
  }

  /**
   * Claims the hold's outcome by an insert under its id: the first claim of capture, void and expiry
   * wins, on MongoDB and FerretDB alike. Returns the outcome that exists (this one or an earlier one).
   */
  async claimOutcome(outcome: HoldOutcomeDocument): Promise<HoldOutcomeDocument> {
    if (await insertIfAbsent(this.outcomes.collection, outcome)) return outcome;
    const existing = await this.findOutcome(outcome._id);
    if (!existing) throw new Error(`hold ${outcome._id}: outcome claim lost but no outcome found`);
    return existing;
  }

  /**
   * Writes the projection of the hold's state. Every writer computes it from the outcome and the ledger,
   * so concurrent writers write the same values; a lost write (FerretDB rewrites whole documents) leaves
   * `settled: false`, which only makes the sweep settle the hold once more (idempotently).
   */
  async setState(id: string, state: Partial<HoldState>, now: Date): Promise<void> {
    await this.holds.updateOne({ _id: id }, { $set: { ...state, updated_at: now } }).exec();
  }

  /** The user's holds, newest first (ids are UUID v7: time ordered), after the cursor `before` (a hold id). */
  listByUser(userId: string, options: { status?: HoldStatus; before?: string; limit: number }): Promise<HoldDocument[]> {
    const filter: Record<string, unknown> = { user_id: userId, status: options.status ?? { $in: ['PENDING', 'CAPTURED', 'VOIDED', 'EXPIRED'] } };
    if (options.before) filter._id = { $lt: options.before };
    return this.holds.find(filter).sort({ _id: -1 }).limit(options.limit).lean<HoldDocument[]>().exec();
  }

  /** Holds not fully settled that were due before `before` (expired, or decided and not finished). */
  listDue(before: Date, limit: number): Promise<Array<Pick<HoldDocument, '_id' | 'expires_at'>>> {
    return this.holds.find({ settled: false, due_at: { $lte: before } }, { _id: 1, expires_at: 1 }).sort({ due_at: 1 }).limit(limit).lean<HoldDocument[]>().exec();
  }
}
