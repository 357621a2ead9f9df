import type { EntryType, LedgerEntry } from '../../wallet';
import { ReportRow, toReportRow } from '../../reports';
import { STATUS_EVENT_TYPES, WalletStatusData } from '../../status-events';

/** The event types derived from ledger entries (one per entry: the ledger is the outbox). */
export const LEDGER_EVENT_TYPES = ['topup.succeeded', 'payment.succeeded', 'transfer.pending', 'transfer.received', 'transfer.failed', 'hold.created', 'hold.released'] as const;
export const EVENT_TYPES = [...LEDGER_EVENT_TYPES, ...STATUS_EVENT_TYPES] as const;
export type LedgerEventType = (typeof LEDGER_EVENT_TYPES)[number];
export type WalletEventType = (typeof EVENT_TYPES)[number];

const TYPE_OF: Record<EntryType, LedgerEventType> = {
  TOP_UP: 'topup.succeeded',
  PAYMENT: 'payment.succeeded',
  TRANSFER_OUT: 'transfer.pending',
  TRANSFER_IN: 'transfer.received',
  TRANSFER_REFUND: 'transfer.failed',
  HOLD: 'hold.created',
  HOLD_RELEASE: 'hold.released',
};

/**
 * One event of a user. `id` is its position in the user's stream (the cursor to resume after it:
 * `<ledger seq>` or `<ledger seq>.<status n>`, see `event-cursor.ts`); `event_id` identifies the event
 * itself, globally and for good (the de-duplication key); `data` is the entry as the transaction report
 * shows it (`transfer.succeeded`: the sender's debit, now SUCCESS), or the wallet's new status.
 */
export interface WalletEvent {
  id: string;
  event_id: string;
  type: WalletEventType;
  user_id: string;
  created_date: string;
  data: ReportRow | WalletStatusData;
}

/**
 * The event of a ledger entry. The payload is fixed at the time of the change: the entry's status is
 * the one it had when it was written (`PENDING` for a transfer's debit and a hold, `SUCCESS` for every
 * other entry), not the one a later settlement gave it, so a replay is byte for byte the first send.
 */
export function toWalletEvent(entry: LedgerEntry, timeZone: string): WalletEvent {
  const row = toReportRow(entry, timeZone);
  row.status = entry.entry_type === 'TRANSFER_OUT' || entry.entry_type === 'HOLD' ? 'PENDING' : 'SUCCESS';
  return { id: String(entry.seq), event_id: entry._id, type: TYPE_OF[entry.entry_type], user_id: entry.wallet_id, created_date: row.created_date, data: row };
}

/** The payload of the sender's `transfer.succeeded`: the debit's report row, settled. */
export function transferSucceededData(debit: LedgerEntry, timeZone: string): ReportRow {
  return { ...toReportRow(debit, timeZone), status: 'SUCCESS' };
}
