import type { EntryType, LedgerEntry } from '../../wallet/domain/ledger-entry';
import type { EntryFilter, Period } from '../domain/report-filter';

/** Inclusive range of sequence numbers of one wallet. */
export interface SeqRange {
  walletId: string;
  lowest: number;
  highest: number | null;
}

/** What a report needs to select, beyond the range: the entry filter and, when given, the period. */
export interface Selection {
  filter: EntryFilter;
  period: Period;
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

  /** At most `limit` entries of the range that match, newest (highest seq) first: one query. */
  abstract newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]>;

  /** Every matching entry of the range, newest first, read through one cursor in batches. */
  abstract stream(range: SeqRange, selection: Selection): AsyncIterable<LedgerEntry>;

  /** Sums and counts of the range per entry type (one streamed read). */
  abstract totals(range: SeqRange): Promise<TotalsBucket[]>;
}
