export type EntryType = 'TOP_UP' | 'PAYMENT' | 'TRANSFER_OUT' | 'TRANSFER_IN' | 'TRANSFER_REFUND' | 'HOLD' | 'HOLD_RELEASE';
export type TransactionType = 'CREDIT' | 'DEBIT';
export type EntryStatus = 'PENDING' | 'SUCCESS' | 'FAILED';

/** One immutable movement of one wallet (only `status` of a transfer or hold entry follows its transfer or hold). */
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
  /** The public id of the operation: top_up_id, payment_id, transfer_id or hold_id. */
  ref_id: string;
  counterparty_id: string | null;
  status: EntryStatus;
  created_at: Date;
  /** When `status` last changed; absent while it is `PENDING` (and on entries whose status changed before it was kept). */
  status_at?: Date;
  /**
   * Sums over the wallet's entries 1…seq, this one included, stored compactly (`StoredTotals`; read
   * with `totalsOf`). Absent on entries written before it existed and not backfilled yet (migration
   * 20261122000200), and on the entries that follow such an entry; a period summary then sums the
   * entries themselves.
   */
  running?: StoredTotals | LegacyStoredTotals;
}

/** Money in and out and the number of entries of each kind, over a wallet's entries 1…seq. */
export interface RunningTotals {
  credit: number;
  debit: number;
  counts: Record<EntryType, number>;
}

export const NO_TOTALS: RunningTotals = Object.freeze({
  credit: 0,
  debit: 0,
  counts: Object.freeze({ TOP_UP: 0, PAYMENT: 0, TRANSFER_OUT: 0, TRANSFER_IN: 0, TRANSFER_REFUND: 0, HOLD: 0, HOLD_RELEASE: 0 }),
});

/** The order of the counts in `StoredTotals`; new kinds are only ever appended. */
const KINDS: readonly EntryType[] = ['TOP_UP', 'PAYMENT', 'TRANSFER_OUT', 'TRANSFER_IN', 'TRANSFER_REFUND', 'HOLD', 'HOLD_RELEASE'];
/** How many kinds the stored shape had before holds: such arrays (7 numbers) are still read, the missing counts being 0. */
const LEGACY_KINDS = 5;

/**
 * Running totals as stored in an entry (and in a wallet's head hint): the numbers `credit, debit,
 * TOP_UP, PAYMENT, TRANSFER_OUT, TRANSFER_IN, TRANSFER_REFUND, HOLD, HOLD_RELEASE` joined by commas,
 * e.g. `"797000,282000,3,3,0,0,0,0,0"`. One string rather than an object or an array because FerretDB
 * decodes every value of every document it reads, one value at a time: a 100-entry block read cost
 * about 40 % more with an object than with an array, and with the array of nine numbers 103 µs of
 * FerretDB's CPU per entry against 78 µs with the string (docs/performance.md, "A block read's cost
 * by value"). Entries written before 2026-11-29 hold the numbers as an array (`LegacyStoredTotals`),
 * and those written before holds existed only the first 7 (0 holds: they predate any hold entry);
 * `totalsOf` reads every shape, so no migration rewrites them, and an entry that follows one adds its
 * own to them as usual.
 */
export type StoredTotals = string;
/** The stored running totals of entries (and head hints) written before 2026-11-29: the same numbers, as an array. */
export type LegacyStoredTotals = number[];

/** The numbers of running totals in their stored order (`StoredTotals`). */
export function totalsNumbers(t: RunningTotals): number[] {
  return [t.credit, t.debit, ...KINDS.map((k) => t.counts[k])];
}

export function storedTotals(t: RunningTotals): StoredTotals {
  return totalsNumbers(t).join(',');
}

const STORED_TOTALS = /^\d+(?:,\d+)*$/;

/** The running totals of a stored value (`StoredTotals` or `LegacyStoredTotals`); undefined when there are none (or not in a stored shape). */
export function totalsOf(stored: StoredTotals | readonly unknown[] | null | undefined): RunningTotals | undefined {
  const numbers: readonly unknown[] | undefined = typeof stored === 'string' ? (STORED_TOTALS.test(stored) ? stored.split(',').map(Number) : undefined) : (stored ?? undefined);
  if (!Array.isArray(numbers) || (numbers.length !== 2 + KINDS.length && numbers.length !== 2 + LEGACY_KINDS) || !numbers.every((n) => Number.isSafeInteger(n))) return undefined;
  const n = numbers as number[];
  return { credit: n[0], debit: n[1], counts: Object.fromEntries(KINDS.map((k, i) => [k, n[2 + i] ?? 0])) as Record<EntryType, number> };
}

/** The running totals after an entry, from those before it. */
export function runningAfter(before: RunningTotals, entry: Pick<LedgerEntry, 'entry_type' | 'transaction_type' | 'amount'>): RunningTotals {
  return {
    credit: before.credit + (entry.transaction_type === 'CREDIT' ? entry.amount : 0),
    debit: before.debit + (entry.transaction_type === 'DEBIT' ? entry.amount : 0),
    counts: { ...before.counts, [entry.entry_type]: before.counts[entry.entry_type] + 1 },
  };
}

/** The totals of the entries after `from` up to `to` (both running totals of one wallet, `from` the earlier). */
export function totalsBetween(to: RunningTotals, from: RunningTotals): RunningTotals {
  const counts = { ...to.counts };
  for (const type of Object.keys(counts) as EntryType[]) counts[type] -= from.counts[type];
  return { credit: to.credit - from.credit, debit: to.debit - from.debit, counts };
}

export function sameTotals(a: RunningTotals, b: RunningTotals): boolean {
  return a.credit === b.credit && a.debit === b.debit && (Object.keys(a.counts) as EntryType[]).every((t) => a.counts[t] === b.counts[t]);
}

export const SEQ_DIGITS = 12;

export function entryId(walletId: string, seq: number): string {
  return `${walletId}:${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** The seq an entry id names (`entryId` read back). */
export function seqOfEntryId(id: string): number {
  return Number(id.slice(-SEQ_DIGITS));
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
