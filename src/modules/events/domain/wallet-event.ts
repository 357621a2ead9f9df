import type { EntryType, LedgerEntry } from '../../wallet/domain/ledger-entry';
import { ReportRow, toReportRow } from '../../reports/domain/report-row';

/** The event types derived from ledger entries (one per entry: the ledger is the outbox). */
export const EVENT_TYPES = ['topup.succeeded', 'payment.succeeded', 'transfer.pending', 'transfer.received', 'transfer.failed', 'hold.created', 'hold.released'] as const;
export type WalletEventType = (typeof EVENT_TYPES)[number];

const TYPE_OF: Record<EntryType, WalletEventType> = {
  TOP_UP: 'topup.succeeded',
  PAYMENT: 'payment.succeeded',
  TRANSFER_OUT: 'transfer.pending',
  TRANSFER_IN: 'transfer.received',
  TRANSFER_REFUND: 'transfer.failed',
  HOLD: 'hold.created',
  HOLD_RELEASE: 'hold.released',
};

/**
 * One event of a user: `id` is the seq of the wallet entry it comes from (the per-user cursor), `type`
 * follows from the entry's kind, and `data` is the entry as the transaction report shows it.
 */
export interface WalletEvent {
  id: number;
  event_id: string;
  type: WalletEventType;
  user_id: string;
  created_date: string;
  data: ReportRow;
}

/**
 * The event of a ledger entry. The payload is fixed at the time of the change: the entry's status is
 * the one it had when it was written (`PENDING` for a transfer's debit and a hold, `SUCCESS` for every
 * other entry), not the one a later settlement gave it, so a replay is byte for byte the first send.
 */
export function toWalletEvent(entry: LedgerEntry, timeZone: string): WalletEvent {
  const row = toReportRow(entry, timeZone);
  row.status = entry.entry_type === 'TRANSFER_OUT' || entry.entry_type === 'HOLD' ? 'PENDING' : 'SUCCESS';
  return { id: entry.seq, event_id: entry._id, type: TYPE_OF[entry.entry_type], user_id: entry.wallet_id, created_date: row.created_date, data: row };
}
