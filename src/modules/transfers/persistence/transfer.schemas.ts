import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { LedgerEntry } from '../../wallet';

/** Collections read (never written) by the ledger reconciliation. */
export const TRANSFERS_COLLECTION = 'transfers';
export const TRANSFER_OUTCOMES_COLLECTION = 'transfer_outcomes';

export type TransferStatus = 'PENDING' | 'SUCCESS' | 'FAILED';
/**
 * `REJECTED`: the debit never happened. `HOLD` (`_id` = `<transfer id>:HOLD`): the refund is held until
 * the sender's wallet has room for it. `CREDIT` and `REFUND` were claimed by earlier versions, before the
 * credit and the refund shared one operation id in the ledger.
 */
export type TransferOutcome = 'CREDIT' | 'REFUND' | 'REJECTED' | 'HOLD';

/** A transfer between two users; `_id` is the public `transfer_id` (also the Bull job id). */
@Schema({ collection: TRANSFERS_COLLECTION, versionKey: false, _id: false })
export class TransferDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) sender_id!: string;
  @Prop({ required: true }) receiver_id!: string;
  @Prop({ required: true }) amount!: number;
  @Prop({ type: String, default: '' }) remarks!: string;
  @Prop({ type: String, required: true }) status!: TransferStatus;
  @Prop({ type: String, default: null }) failure_reason!: string | null;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, required: true }) updated_at!: Date;
  @Prop({ type: Date, default: null }) completed_at!: Date | null;
  /** The sender's debit entry (`<wallet>:<seq>`): the proof the transfer was accepted, read by `_id`. Absent on records of earlier versions. */
  @Prop({ type: String }) debit_entry_id?: string;
  /** The sender's balance before and after the debit, as its entry holds them (for the sender's events). */
  @Prop({ type: Number }) debit_balance_before?: number;
  @Prop({ type: Number }) debit_balance_after?: number;
  /** Set once its refund is held (the sender's wallet had no room): later executions refund, never credit. */
  @Prop({ type: String }) hold_reason?: string;
}
export const TransferSchema = SchemaFactory.createForClass(TransferDocument);

/** The record of a transfer just accepted by its debit entry. */
export function transferRecord(
  t: Pick<TransferDocument, '_id' | 'sender_id' | 'receiver_id' | 'amount' | 'remarks'>,
  debit: Pick<LedgerEntry, '_id' | 'created_at' | 'balance_before' | 'balance_after'>,
): TransferDocument {
  const at = debit.created_at;
  return {
    ...t,
    status: 'PENDING',
    failure_reason: null,
    created_at: at,
    updated_at: at,
    completed_at: null,
    debit_entry_id: debit._id,
    debit_balance_before: debit.balance_before,
    debit_balance_after: debit.balance_after,
  };
}

/**
 * What happens to a transfer's money after the debit: credit the receiver, refund the sender, or
 * nothing (the debit never happened). Claimed once by an insert (`_id` = transfer id), so concurrent
 * or repeated executions can never both credit and refund.
 */
@Schema({ collection: TRANSFER_OUTCOMES_COLLECTION, versionKey: false, _id: false })
export class TransferOutcomeDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) outcome!: TransferOutcome;
  @Prop({ type: String, default: null }) reason!: string | null;
  @Prop({ type: Date, required: true }) decided_at!: Date;
}
export const TransferOutcomeSchema = SchemaFactory.createForClass(TransferOutcomeDocument);

/** Marks a transfer not yet settled; the recovery sweep re-enqueues the old ones (a small collection). */
@Schema({ collection: 'pending_transfers', versionKey: false, _id: false })
export class PendingTransferDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: Date, required: true }) created_at!: Date;
}
export const PendingTransferSchema = SchemaFactory.createForClass(PendingTransferDocument);
