import type { EntryType, LedgerEntry } from '../../wallet';
import type { EntryFilter, Period } from '../domain/report-filter';

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

export interface TotalsBucket {
  entryType: EntryType;
  amount: number;
  count: number;
}

/**
 * The read side of the ledger that reports use (a port: `MongoLedgerReader` is the adapter, tests
 * use an in-memory one). Entries of one wallet are the contiguous chain `seq = 1..head`.
 */
export abstract class LedgerReader {
  /** The entry `seq` of a wallet, by `_id`. */
  abstract entryAt(walletId: string, seq: number): Promise<LedgerEntry | null>;

  /**
   * The newest `count` entries of the wallet, newest first (the chain is contiguous, so they are the
   * seqs `head − count + 1 … head`), without a separate read of the head.
   */
  abstract newest(walletId: string, count: number): Promise<LedgerEntry[]>;

  /** At most `limit` entries of the range that match, newest (highest seq) first. */
  abstract newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]>;

  /** Every matching entry of the range, newest first, read in batches (memory stays flat). */
  abstract stream(range: SeqRange, selection: Selection): AsyncIterable<LedgerEntry>;

  /** Sums and counts of the range per entry type (streamed, summed as it is read). */
  abstract totals(range: SeqRange): Promise<TotalsBucket[]>;
}
