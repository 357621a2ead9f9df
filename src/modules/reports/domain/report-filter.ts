import type { EntryStatus, EntryType, TransactionType } from '../../wallet';

export const REPORT_KINDS = ['TOP_UP', 'PAYMENT', 'TRANSFER', 'HOLD'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const TRANSACTION_TYPES: readonly TransactionType[] = ['CREDIT', 'DEBIT'];
export const ENTRY_STATUSES: readonly EntryStatus[] = ['PENDING', 'SUCCESS', 'FAILED'];
export const ENTRY_TYPES: readonly EntryType[] = ['TOP_UP', 'PAYMENT', 'TRANSFER_IN', 'TRANSFER_OUT', 'TRANSFER_REFUND', 'HOLD', 'HOLD_RELEASE'];

/** The direction of each kind of entry (a wallet's ledger never posts one the other way). */
export const DIRECTION_OF: Record<EntryType, TransactionType> = {
  TOP_UP: 'CREDIT',
  PAYMENT: 'DEBIT',
  TRANSFER_OUT: 'DEBIT',
  TRANSFER_IN: 'CREDIT',
  TRANSFER_REFUND: 'CREDIT',
  HOLD: 'DEBIT',
  HOLD_RELEASE: 'CREDIT',
};

const ENTRY_TYPES_OF: Record<ReportKind, EntryType[]> = {
  TOP_UP: ['TOP_UP'],
  PAYMENT: ['PAYMENT'],
  TRANSFER: ['TRANSFER_OUT', 'TRANSFER_IN', 'TRANSFER_REFUND'],
  HOLD: ['HOLD', 'HOLD_RELEASE'],
};

/**
 * A period in absolute time: entries with `from <= created_at < toExclusive`. A missing bound is
 * open. `to` given as a bare date means the end of that day, `HH:mm` the end of that minute and
 * `HH:mm:ss` the end of that second (a report shows times to the second).
 */
export interface Period {
  from: Date | null;
  toExclusive: Date | null;
}

/** What a report selects besides the period: every field is optional and they combine with AND. */
export interface EntryFilter {
  entryTypes?: EntryType[];
  transactionType?: TransactionType;
  status?: EntryStatus;
}

export function entryFilter(options: { type?: ReportKind; transactionType?: TransactionType; status?: EntryStatus }): EntryFilter {
  const filter: EntryFilter = {};
  if (options.type) filter.entryTypes = ENTRY_TYPES_OF[options.type];
  if (options.transactionType) filter.transactionType = options.transactionType;
  if (options.status) filter.status = options.status;
  return filter;
}

/** True when the filter can skip entries (so a page may have to examine more entries than it returns). */
export function isSelective(filter: EntryFilter): boolean {
  return Boolean(filter.entryTypes || filter.transactionType || filter.status);
}

/** A stable text form of everything that decides which rows a listing returns (bound into its cursors). */
export function describeSelection(walletId: string, filter: EntryFilter, period: Period): string {
  return [
    walletId,
    filter.entryTypes?.join('+') ?? '*',
    filter.transactionType ?? '*',
    filter.status ?? '*',
    period.from?.getTime() ?? '*',
    period.toExclusive?.getTime() ?? '*',
  ].join('|');
}
