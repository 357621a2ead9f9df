import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import type { StatusEventType } from './status-event';

/**
 * An event of a user that is not an entry of the user's wallet (`transfer.succeeded` for the sender,
 * `wallet.frozen`, `wallet.unfrozen`). `_id` = `<user_id>:<n, 12 digits>`: the user's own gapless
 * sequence, slot n+1 claimed by an insert after slot n exists (like the ledger's). `key` (unique index)
 * is derived from the change itself, so the same insert that claims the slot claims the change: a
 * retried, re-run or duplicate recording finds the key taken and writes nothing.
 */
/** The collection's name, for read-only use outside this module (reconciliation). */
export const STATUS_EVENTS_COLLECTION = 'status_events';

@Schema({ collection: STATUS_EVENTS_COLLECTION, versionKey: false, _id: false })
export class StatusEventDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) user_id!: string;
  @Prop({ required: true }) n!: number;
  @Prop({ required: true }) key!: string;
  @Prop({ type: String, required: true }) type!: StatusEventType;
  /** The seq of the user's ledger entry this event follows in the stream (0: none). */
  @Prop({ required: true, default: 0 }) after_seq!: number;
  /**
   * `transfer.succeeded` only: the `page_key` of the sender's debit entry (the entry at `after_seq`), so
   * the successes of one block of the ledger are one indexed equality read (index `page_key`): a
   * transfer's debit entry is not rewritten when it succeeds, this event is its success (docs/ledger.md).
   */
  @Prop({ type: String }) page_key?: string;
  @Prop({ type: Date, required: true }) created_at!: Date;
  /**
   * The payload, fixed when recorded. None on a `transfer.succeeded` recorded since 2026-11-29: its
   * payload is the sender's debit entry (at `after_seq`) as a settled report row, built when it is read
   * (`transferSucceededData`), so that the reads of a block's successes (every report and export on
   * FerretDB, which decodes every value of a document) and the insert skip its ten values.
   */
  @Prop({ type: MongooseSchema.Types.Mixed }) data?: Record<string, unknown>;
}

export const StatusEventSchema = SchemaFactory.createForClass(StatusEventDocument);

export const STATUS_SEQ_DIGITS = 12;

export function statusEventId(userId: string, n: number): string {
  return `${userId}:${String(n).padStart(STATUS_SEQ_DIGITS, '0')}`;
}
