export type EntryType = 'TOP_UP' | 'PAYMENT' | 'TRANSFER_OUT' | 'TRANSFER_IN' | 'TRANSFER_REFUND';
export type TransactionType = 'CREDIT' | 'DEBIT';
export type EntryStatus = 'PENDING' | 'SUCCESS' | 'FAILED';

/** One immutable movement of one wallet (only `status` of a transfer entry follows its transfer). */
export interface LedgerEntry {
  /** `<wallet_id>:<seq, 12 digits>`: claiming this key is what orders the wallet's movements. */
  _id: string;
  wallet_id: string;
  seq: number;
  /** `<wallet_id>:<page, 10 digits>` with page = floor((seq − 1) / PAGE_KEY_SIZE) (`pageKey`): one equality read returns a block of the chain. */
  page_key: string;
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

/**
 * Entries per `page_key`: entries `seq` 1…100 of a wallet share page 0, 101…200 page 1, and so on.
 * Fixed for good: it is written into every entry (and by migration 20261122000100, which repeats it).
 */
export const PAGE_KEY_SIZE = 100;
export const PAGE_KEY_DIGITS = 10;

/** The block of the chain that entry `seq` belongs to. */
export function pageOf(seq: number): number {
  return Math.floor((seq - 1) / PAGE_KEY_SIZE);
}

export function pageKey(walletId: string, page: number): string {
  return `${walletId}:${String(page).padStart(PAGE_KEY_DIGITS, '0')}`;
}

export function pageKeyOf(walletId: string, seq: number): string {
  return pageKey(walletId, pageOf(seq));
}
