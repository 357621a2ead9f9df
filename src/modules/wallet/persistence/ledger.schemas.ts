import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import type { EntryStatus, EntryType, LegacyStoredTotals, StoredTotals, TransactionType } from '../domain/ledger-entry';

/** The ledger's collections, by name: exported for read-only use outside the wallet module (reports, reconciliation). */
export const LEDGER_ENTRIES_COLLECTION = 'ledger_entries';
export const WALLET_HEADS_COLLECTION = 'wallets';

@Schema({ collection: LEDGER_ENTRIES_COLLECTION, versionKey: false, _id: false })
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
  /** Sums over entries 1…seq (`StoredTotals`; an array on entries written before it was a string): a period summary is the difference of two entries. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined }) running?: StoredTotals | LegacyStoredTotals;
}
export const LedgerEntrySchema = SchemaFactory.createForClass(LedgerEntryDocument);

/**
 * A hint of a wallet's head (`_id` = wallet id): the balance after entry `seq`. Never trusted as the
 * truth: writers walk forward from it to the real head, so a stale or lost hint costs reads, not money.
 */
@Schema({ collection: WALLET_HEADS_COLLECTION, versionKey: false, _id: false })
export class WalletHeadDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) seq!: number;
  @Prop({ required: true }) balance!: number;
  /** The running totals of entry `seq` (`StoredTotals`; an array in hints written before it was a string), when it has them. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined }) running?: StoredTotals | LegacyStoredTotals;
  @Prop({ type: Date, required: true }) updated_at!: Date;
}
export const WalletHeadSchema = SchemaFactory.createForClass(WalletHeadDocument);
