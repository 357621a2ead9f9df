import { formatDateTime } from '../../../common/util/time';
import type { EntryStatus, LedgerEntry, TransactionType } from '../../wallet';

/**
 * One line of a transaction report, as the API shows it. Exactly one of `top_up_id`, `payment_id`,
 * `transfer_id`, `hold_id` is present and comes first; `counterparty_user_id` is only on transfer entries and
 * `reversal: true` only on the refund of a failed transfer and on the release of a hold's money.
 */
export interface ReportRow {
  top_up_id?: string;
  payment_id?: string;
  transfer_id?: string;
  hold_id?: string;
  status: EntryStatus;
  user_id: string;
  transaction_type: TransactionType;
  amount: number;
  remarks: string;
  balance_before: number;
  balance_after: number;
  created_date: string;
  counterparty_user_id?: string | null;
  reversal?: true;
}

/** The CSV export's columns, in order: the JSON row's keys, the id of every kind spelled out. */
export const REPORT_COLUMNS = [
  'top_up_id',
  'payment_id',
  'transfer_id',
  'hold_id',
  'status',
  'user_id',
  'transaction_type',
  'amount',
  'remarks',
  'balance_before',
  'balance_after',
  'created_date',
  'counterparty_user_id',
  'reversal',
] as const;

function idField(entry: ReportedEntry): 'top_up_id' | 'payment_id' | 'transfer_id' | 'hold_id' {
  switch (entry.entry_type) {
    case 'TOP_UP':
      return 'top_up_id';
    case 'PAYMENT':
      return 'payment_id';
    case 'HOLD':
    case 'HOLD_RELEASE':
      return 'hold_id';
    default:
      return 'transfer_id';
  }
}

/** What a report row is made of: an entry without its running totals and operation id (as `LedgerReader.stream` reads it). */
export type ReportedEntry = Omit<LedgerEntry, 'running' | 'op_id'>;

/** Builds the row with its keys in the documented order (JSON keeps insertion order). */
export function toReportRow(entry: ReportedEntry, timeZone: string): ReportRow {
  const row = { [idField(entry)]: entry.ref_id } as unknown as ReportRow;
  row.status = entry.status;
  row.user_id = entry.wallet_id;
  row.transaction_type = entry.transaction_type;
  row.amount = entry.amount;
  row.remarks = entry.entry_type === 'TOP_UP' ? '' : (entry.remarks ?? '');
  row.balance_before = entry.balance_before;
  row.balance_after = entry.balance_after;
  row.created_date = formatDateTime(entry.created_at, timeZone);
  if (entry.entry_type.startsWith('TRANSFER_')) row.counterparty_user_id = entry.counterparty_id ?? null;
  if (entry.entry_type === 'TRANSFER_REFUND' || entry.entry_type === 'HOLD_RELEASE') row.reversal = true;
  return row;
}
