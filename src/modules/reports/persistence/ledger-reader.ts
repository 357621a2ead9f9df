import { transferSucceededKey } from '../../status-events';
import { LedgerEntry, NO_TOTALS, RunningTotals, totalsOf } from '../../wallet';
import type { WalletHead } from '../../wallet';
import type { EntryFilter, Period } from '../domain/report-filter';
import type { ReportedEntry } from '../domain/report-row';

export type { WalletHead };

/** Inclusive range of sequence numbers of one wallet. */
export interface SeqRange {
  walletId: string;
  lowest: number;
  highest: number;
}

/** What a report needs to select, beyond the range: the entry filter and, when given, the period. */
export interface Selection {
  filter: EntryFilter;
  period: Period;
}

/** Whether an entry is selected (the filter and the period; the seq range is the caller's): `toFilter`'s query, in the process. */
export function matches(entry: LedgerEntry, { filter, period }: Selection): boolean {
  return (
    (!filter.entryTypes || filter.entryTypes.includes(entry.entry_type)) &&
    (!filter.transactionType || entry.transaction_type === filter.transactionType) &&
    (!filter.status || entry.status === filter.status) &&
    (!period.from || entry.created_at >= period.from) &&
    (!period.toExclusive || entry.created_at < period.toExclusive)
  );
}

/**
 * Where the successes of transfers are recorded (`StatusEventLog`): a transfer's debit entry is not
 * rewritten when the transfer succeeds; the sender's `transfer.succeeded` event is its success, and
 * carries the debit entry's `page_key` (docs/ledger.md, "Where a transfer's status lives").
 */
export interface TransferSuccesses {
  /** The `transfer.succeeded` events of the debit entries of one block (`page_key`), by event key, with when each was recorded. */
  transferSuccessesOnPage(pageKey: string): Promise<Map<string, Date>>;
}

/**
 * The entries as reports show them: a transfer's debit entry stored `PENDING` whose transfer succeeded
 * is `SUCCESS` (since its event's time, `status_at`). One read per block that holds such an entry; the
 * others come back as they are. Every filter on status is applied after this (`matches`).
 */
export async function withTransferStatuses(entries: LedgerEntry[], successes: TransferSuccesses): Promise<LedgerEntry[]> {
  const pages = new Set<string>();
  for (const e of entries) if (undecidedDebit(e)) pages.add(e.page_key);
  if (pages.size === 0) return entries;
  const succeeded = new Map<string, Date>();
  for (const found of await Promise.all([...pages].map((page) => successes.transferSuccessesOnPage(page)))) for (const [key, at] of found) succeeded.set(key, at);
  return entries.map((e) => {
    const at = undecidedDebit(e) ? succeeded.get(transferSucceededKey(e.ref_id)) : undefined;
    return at ? { ...e, status: 'SUCCESS', status_at: at } : e;
  });
}

/** A transfer's debit entry that its own status does not decide: stored `PENDING` (a success is its event). */
function undecidedDebit(e: LedgerEntry): boolean {
  return e.entry_type === 'TRANSFER_OUT' && e.status === 'PENDING';
}

/**
 * The fields of an entry that `stream` leaves out: a report row shows neither, and the running totals
 * are the largest field of an entry (an export on FerretDB, which decodes every field it sends, ran
 * 6–13% faster without them).
 */
export const STREAM_LEAVES_OUT: Readonly<Record<Exclude<keyof LedgerEntry, keyof ReportedEntry>, 0>> = Object.freeze({ running: 0, op_id: 0 });

/** The entry without the fields `stream` leaves out. */
export function streamedEntry({ running: _running, op_id: _opId, ...rest }: LedgerEntry): ReportedEntry {
  return rest;
}

/** The head of an empty wallet. */
export const EMPTY_HEAD: WalletHead = Object.freeze({ seq: 0, balance: 0, running: NO_TOTALS });

/** The head a stored entry makes: its seq, its balance after and its running totals. */
export function headAt(entry: Pick<LedgerEntry, 'seq' | 'balance_after' | 'running'>): WalletHead {
  const running = totalsOf(entry.running);
  return { seq: entry.seq, balance: entry.balance_after, ...(running ? { running } : {}) };
}

/** A range of the chain as a summary shows it: the balance carried in, the balance at its end, and what moved. */
export interface RangeSummary {
  opening: number;
  closing: number;
  totals: RunningTotals;
}

/**
 * The read side of the ledger that reports use (a port). Entries of one wallet are the contiguous
 * chain `seq = 1..head`. Two adapters, one chosen when the module starts (`ledgerReaderProvider`):
 * `MongoLedgerReader` (range queries on the `wallet_seq` index) and `FerretDbLedgerReader` (`page_key`
 * block reads). Readers only read: they never write, nor tell the ledger's writers anything.
 */
export abstract class LedgerReader {
  /** The wallet's head as it is now (`EMPTY_HEAD` for a wallet without entries). */
  abstract head(walletId: string): Promise<WalletHead>;

  /** The entry `seq` of a wallet, by `_id`. */
  abstract entryAt(walletId: string, seq: number): Promise<LedgerEntry | null>;

  /**
   * The newest `count` entries of the wallet, newest first (the chain is contiguous, so they are the
   * seqs `head − count + 1 … head`), without a separate read of the head.
   */
  abstract newest(walletId: string, count: number): Promise<LedgerEntry[]>;

  /** At most `limit` entries of the range that match, newest (highest seq) first. */
  abstract newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]>;

  /**
   * Every matching entry of the range, newest first, read in batches (memory stays flat), without the
   * fields a report row does not show (`STREAM_LEAVES_OUT`: the running totals and the operation id).
   */
  abstract stream(range: SeqRange, selection: Selection): AsyncIterable<ReportedEntry>;

  /** The totals of the range summed from its entries, as they are read (`summarize` falls back to it). */
  abstract sumEntries(range: SeqRange): Promise<RunningTotals>;

  /**
   * Balances and totals of a range: from the running totals of the entry before it and of its last
   * entry (`head` is the wallet's head, read by the caller); from its entries when those do not
   * reconcile (see `summarizeRange`).
   */
  abstract summarize(range: SeqRange, head: WalletHead): Promise<RangeSummary>;
}
