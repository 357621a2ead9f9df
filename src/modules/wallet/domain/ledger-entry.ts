export type EntryType = 'TOP_UP' | 'PAYMENT' | 'TRANSFER_OUT' | 'TRANSFER_IN' | 'TRANSFER_REFUND';
export type TransactionType = 'CREDIT' | 'DEBIT';
export type EntryStatus = 'PENDING' | 'SUCCESS' | 'FAILED';

/** One immutable movement of one wallet (only `status` of a transfer entry follows its transfer). */
export interface LedgerEntry {
  /** `<wallet_id>:<seq, 12 digits>`: claiming this key is what orders the wallet's movements. */
  _id: string;
  wallet_id: string;
  seq: number;
  /** Unique per balance change, e.g. `TOP_UP:<top_up_id>` or `TRANSFER:<transfer_id>:CREDIT`. */
  op_id: string;
  entry_type: EntryType;
  transaction_type: TransactionType;
  amount: number;
  balance_before: number;
  balance_after: number;
  remarks: string;
  /** The public id of the operation: top_up_id, payment_id or transfer_id. */
  ref_id: string;
  counterparty_id: string | null;
  status: EntryStatus;
  created_at: Date;
}

export const SEQ_DIGITS = 12;

export function entryId(walletId: string, seq: number): string {
  return `${walletId}:${String(seq).padStart(SEQ_DIGITS, '0')}`;
}
