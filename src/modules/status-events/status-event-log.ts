import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { LRUCache } from 'lru-cache';
import type { Counter } from 'prom-client';
import { EVENTS_PRODUCED_METRIC } from '../../infrastructure/event-metrics.module';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { GROUP_COMMIT, InsertBatcher } from '../../common/database/insert-batcher';
import { lastSlot } from '../../common/util/last-slot';
import { AnnouncedSlots, LedgerDoorbell } from '../../infrastructure/ledger-doorbell';
import type { StatusEventType } from './status-event';
import { StatusEventDocument, statusEventId } from './status-event.schema';

export interface StatusEventInput {
  userId: string;
  key: string;
  type: StatusEventType;
  afterSeq: number;
  /** The `page_key` of the ledger entry at `afterSeq` (`transfer.succeeded`: the sender's debit entry). */
  pageKey?: string;
  createdAt: Date;
  /** The payload, fixed when recorded; none for `transfer.succeeded` (the sender's debit entry at `afterSeq` is its payload: `transferSucceededData`). */
  data?: object;
}

const MAX_ATTEMPTS = 100;

/**
 * The per-user log of status events. Recording is idempotent and safe to race: the insert claims the
 * next slot of the user's sequence and the change's key at once; when it fails, either the key exists
 * (recorded already: nothing to do) or another event took the slot (try the next one). Nothing here is
 * a conditional update.
 */
@Injectable()
export class StatusEventLog implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StatusEventLog.name);
  /** The furthest slot of each user's sequence that any process announced on the doorbell. */
  private readonly announced = new AnnouncedSlots('events');
  /** The concurrent inserts of this process share `insertMany` round trips (group commit, one at a time); each is still its own claim. */
  private readonly inserts: InsertBatcher<StatusEventDocument>;

  constructor(
    @InjectModel(StatusEventDocument.name) private readonly events: Model<StatusEventDocument>,
    private readonly doorbell: LedgerDoorbell,
    @Optional() @InjectMetric(EVENTS_PRODUCED_METRIC) private readonly produced?: Counter<string>,
  ) {
    this.inserts = new InsertBatcher<StatusEventDocument>(this.events.collection as never, GROUP_COMMIT);
  }

  onModuleInit(): void {
    this.announced.listen(this.doorbell, (message) => this.logger.warn(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.announced.close();
  }

  /** The last slot this process saw per user (the 50,000 users seen last): only a starting point (a taken slot moves it on). */
  private readonly last = new LRUCache<string, number>({ max: 50_000 });

  /**
   * Records the event under its key unless it exists; returns the event that exists and whether this
   * call wrote it. The first try goes for the slot after the one this process last saw for the user,
   * without reading; a taken slot is then either this change (its key exists: recorded already) or
   * another event (the next try goes for the slot after it, and a second conflict walks the sequence).
   */
  async record(input: StatusEventInput): Promise<{ event: StatusEventDocument; inserted: boolean }> {
    let n = this.knownLast(input.userId);
    let conflicts = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (n === undefined || conflicts > 1) n = await this.lastN(input.userId, n ?? 0);
      const doc: StatusEventDocument = {
        _id: statusEventId(input.userId, n + 1),
        user_id: input.userId,
        n: n + 1,
        key: input.key,
        type: input.type,
        after_seq: input.afterSeq,
        ...(input.pageKey ? { page_key: input.pageKey } : {}),
        created_at: input.createdAt,
        ...(input.data ? { data: input.data as Record<string, unknown> } : {}),
      };
      if (await this.inserts.insert(doc)) {
        this.remember(input.userId, doc.n);
        this.doorbell.ring(input.userId, { events: { seq: doc.n } });
        this.produced?.inc({ kind: input.type });
        return { event: doc, inserted: true };
      }
      const existing = await this.findByKey(input.key);
      if (existing) return { event: existing, inserted: false };
      n += 1;
      conflicts++;
      this.remember(input.userId, n);
    }
    throw new Error(`could not record status event ${input.key}: its user's sequence kept moving`);
  }

  findByKey(key: string): Promise<StatusEventDocument | null> {
    return this.events.findOne({ key }).lean<StatusEventDocument>().exec();
  }

  /**
   * The `transfer.succeeded` events recorded for the debit entries of one block of the ledger (their
   * `page_key`), by key, with when each was recorded: one indexed equality read (index `page_key`).
   */
  async transferSuccessesOnPage(pageKey: string): Promise<Map<string, Date>> {
    // The driver's collection: this read runs once per block of a report or an export, Mongoose adds nothing to it.
    const docs = await this.events.collection
      .find<Pick<StatusEventDocument, 'key' | 'type' | 'created_at'>>({ page_key: pageKey }, { projection: { _id: 0, key: 1, type: 1, created_at: 1 } })
      .toArray();
    return new Map(docs.filter((d) => d.type === 'transfer.succeeded').map((d) => [d.key, d.created_at]));
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

  /** The last slot this process knows to be filled: the one it saw last, or a later one another process announced. */
  private knownLast(userId: string): number | undefined {
    const seen = this.last.get(userId);
    const slot = this.announced.beyond(userId, seen ?? 0);
    if (!slot) return seen;
    this.remember(userId, slot.seq);
    return slot.seq;
  }

  /** The last slot of the user's sequence (0 when none), from a known lower bound: `_id` reads, galloping. */
  private async lastN(userId: string, from: number): Promise<number> {
    const last = await lastSlot({ n: from, value: null }, (n) => this.events.findOne({ _id: statusEventId(userId, n) }, { _id: 1 }).lean().exec());
    this.remember(userId, last.n);
    return last.n;
  }

  private remember(userId: string, n: number): void {
    if ((this.last.get(userId) ?? 0) < n) this.last.set(userId, n);
  }
}
