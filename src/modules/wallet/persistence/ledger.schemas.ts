import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { EntryStatus, EntryType, StoredTotals, TransactionType } from '../domain/ledger-entry';

@Schema({ collection: 'ledger_entries', versionKey: false, _id: false })
export class LedgerEntryDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) wallet_id!: string;
  @Prop({ required: true }) seq!: number;
  /** `pageKeyOf(wallet_id, seq)`: the block of 100 entries, one indexed equality read (index `page_key`). */
  @Prop({ required: true }) page_key!: string;
  @Prop({ required: true }) op_id!: string;
  @Prop({ type: String, required: true }) entry_type!: EntryType;
  @Prop({ type: String, required: true }) transaction_type!: TransactionType;
  @Prop({ required: true }) amount!: number;
  @Prop({ required: true }) balance_before!: number;
  @Prop({ required: true }) balance_after!: number;
  @Prop({ type: String, default: '' }) remarks!: string;
  @Prop({ required: true }) ref_id!: string;
  @Prop({ type: String, default: null }) counterparty_id!: string | null;
  @Prop({ type: String, required: true }) status!: EntryStatus;
  @Prop({ type: Date, required: true }) created_at!: Date;
  /** Sums over entries 1…seq (`StoredTotals`): a period summary is the difference of two entries. */
  @Prop({ type: [Number], default: undefined }) running?: StoredTotals;
}
export const LedgerEntrySchema = SchemaFactory.createForClass(LedgerEntryDocument);

/**
 * A hint of a wallet's head (`_id` = wallet id): the balance after entry `seq`. Never trusted as the
 * truth: writers walk forward from it to the real head, so a stale or lost hint costs reads, not money.
 */
@Schema({ collection: 'wallets', versionKey: false, _id: false })
export class WalletHeadDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) seq!: number;
  @Prop({ required: true }) balance!: number;
  /** The running totals of entry `seq` (`StoredTotals`), when it has them. */
  @Prop({ type: [Number], default: undefined }) running?: StoredTotals;
  @Prop({ type: Date, required: true }) updated_at!: Date;
}
export const WalletHeadSchema = SchemaFactory.createForClass(WalletHeadDocument);

/** An `Idempotency-Key` of one user for one route: `_id` = `<user>:<scope>:<key>`. */
@Schema({ collection: 'idempotency_keys', versionKey: false, _id: false })
export class IdempotencyKeyDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) user_id!: string;
  @Prop({ required: true }) scope!: string;
  @Prop({ required: true }) request_hash!: string;
  /** The operation id every attempt with this key re-applies (so all attempts converge on one movement). */
  @Prop({ required: true }) op_id!: string;
  @Prop({ type: Object, default: null }) response!: StoredResponse | null;
  /** Set when an attempt failed without an answer to store (a dependency was down): the key is free to retry at once. */
  @Prop({ type: Date, required: false }) released_at?: Date;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, required: true }) expires_at!: Date;
}
export const IdempotencyKeySchema = SchemaFactory.createForClass(IdempotencyKeyDocument);

export type StoredResponse = { ok: true; result: unknown } | { ok: false; status: number; code: string; message: string; details: Record<string, unknown> };
