import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import { LedgerDoorbell } from '../../wallet/ledger/ledger-doorbell';
import type { StatusEventType } from '../domain/wallet-event';
import { StatusEventDocument, statusEventId } from './status-event.schema';

export interface StatusEventInput {
  userId: string;
  key: string;
  type: StatusEventType;
  afterSeq: number;
  createdAt: Date;
  data: object;
}

const MAX_ATTEMPTS = 100;

/**
 * The per-user log of status events. Recording is idempotent and safe to race: the insert claims the
 * next slot of the user's sequence and the change's key at once; when it fails, either the key exists
 * (recorded already: nothing to do) or another event took the slot (try the next one). Nothing here is
 * a conditional update.
 */
@Injectable()
export class StatusEventLog {
  constructor(
    @InjectModel(StatusEventDocument.name) private readonly events: Model<StatusEventDocument>,
    private readonly doorbell: LedgerDoorbell,
  ) {}

  /** Records the event under its key unless it exists; returns the event that exists and whether this call wrote it. */
  async record(input: StatusEventInput): Promise<{ event: StatusEventDocument; inserted: boolean }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const n = (await this.lastN(input.userId)) + 1;
      const doc: StatusEventDocument = {
        _id: statusEventId(input.userId, n),
        user_id: input.userId,
        n,
        key: input.key,
        type: input.type,
        after_seq: input.afterSeq,
        created_at: input.createdAt,
        data: input.data as Record<string, unknown>,
      };
      if (await insertIfAbsent(this.events.collection, doc)) {
        this.doorbell.ring(input.userId);
        return { event: doc, inserted: true };
      }
      const existing = await this.findByKey(input.key);
      if (existing) return { event: existing, inserted: false };
    }
    throw new Error(`could not record status event ${input.key}: its user's sequence kept moving`);
  }

  findByKey(key: string): Promise<StatusEventDocument | null> {
    return this.events.findOne({ key }).lean<StatusEventDocument>().exec();
  }

  /** The events of a user after slot `after`, oldest first: `_id` reads up to the first slot not written. */
  async readAfter(userId: string, after: number, limit: number): Promise<StatusEventDocument[]> {
    const out: StatusEventDocument[] = [];
    for (let n = after + 1; out.length < limit; n++) {
      const doc = await this.events.findOne({ _id: statusEventId(userId, n) }).lean<StatusEventDocument>().exec();
      if (!doc) break;
      out.push(doc);
    }
    return out;
  }

  /** The last slot of the user's sequence (0 when none). A stale answer only makes the insert fail and retry. */
  private async lastN(userId: string): Promise<number> {
    const last = await this.events.findOne({ user_id: userId }, { n: 1 }).sort({ n: -1 }).lean<Pick<StatusEventDocument, 'n'>>().exec();
    return last?.n ?? 0;
  }
}
