import { entryId, EntryType, LedgerEntry, NO_TOTALS, pageKeyOf, RunningTotals, runningAfter, storedTotals } from '../../../src/modules/wallet/domain/ledger-entry';
import type { ReportedEntry } from '../../../src/modules/reports/domain/report-row';
import { EMPTY_HEAD, headAt, LedgerReader, matches, RangeSummary, SeqRange, Selection, streamedEntry, WalletHead } from '../../../src/modules/reports/persistence/ledger-reader';
import { addTo, summarizeRange, zeroTotals } from '../../../src/modules/reports/persistence/range-summary';

/** The reports' read port over an in-memory ledger (unit tests); it counts the reads it serves. */
export class InMemoryLedgerReader extends LedgerReader {
  readonly entries = new Map<string, LedgerEntry>();
  lookups = 0;
  headReads = 0;
  queries: Array<{ range: SeqRange; limit: number | null }> = [];
  newestReads: Array<{ walletId: string; count: number }> = [];
  totalsReads = 0;

  add(...entries: LedgerEntry[]): this {
    for (const e of entries) this.entries.set(e._id, e);
    return this;
  }

  async head(walletId: string): Promise<WalletHead> {
    this.headReads++;
    const top = this.select({ walletId, lowest: 1, highest: Number.MAX_SAFE_INTEGER }, { filter: {}, period: { from: null, toExclusive: null } })[0];
    return top ? headAt(top) : EMPTY_HEAD;
  }

  async entryAt(walletId: string, seq: number): Promise<LedgerEntry | null> {
    this.lookups++;
    return this.entries.get(entryId(walletId, seq)) ?? null;
  }

  async newest(walletId: string, count: number): Promise<LedgerEntry[]> {
    this.newestReads.push({ walletId, count });
    return this.select({ walletId, lowest: 1, highest: Number.MAX_SAFE_INTEGER }, { filter: {}, period: { from: null, toExclusive: null } }).slice(0, count);
  }

  async newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]> {
    this.queries.push({ range, limit });
    return this.select(range, selection).slice(0, limit);
  }

  async *stream(range: SeqRange, selection: Selection): AsyncIterable<ReportedEntry> {
    this.queries.push({ range, limit: null });
    yield* this.select(range, selection).map(streamedEntry);
  }

  async sumEntries(range: SeqRange): Promise<RunningTotals> {
    this.totalsReads++;
    const totals = zeroTotals();
    for (const e of this.select(range, { filter: {}, period: { from: null, toExclusive: null } })) addTo(totals, e.entry_type, e.amount);
    return totals;
  }

  summarize(range: SeqRange, head: WalletHead): Promise<RangeSummary> {
    return summarizeRange(this, range, head);
  }

  private select(range: SeqRange, selection: Selection): LedgerEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.wallet_id === range.walletId && e.seq >= range.lowest && e.seq <= range.highest && matches(e, selection))
      .sort((a, b) => b.seq - a.seq);
  }
}

export interface ChainItem {
  type: EntryType;
  amount: number;
  at: Date;
  status?: LedgerEntry['status'];
  remarks?: string;
  counterpartyId?: string | null;
}

const CREDITS: EntryType[] = ['TOP_UP', 'TRANSFER_IN', 'TRANSFER_REFUND', 'HOLD_RELEASE'];

/**
 * A consistent chain for one wallet (seq 1..n, balances and running totals chained), for tests. A chain
 * that does not start at seq 1 carries running totals only when given those of the entry before it.
 */
export function buildChain(walletId: string, items: ChainItem[], firstSeq = 1, openingBalance = 0, openingTotals?: RunningTotals): LedgerEntry[] {
  let balance = openingBalance;
  let running = firstSeq === 1 ? NO_TOTALS : openingTotals;
  return items.map((item, i) => {
    const seq = firstSeq + i;
    const credit = CREDITS.includes(item.type);
    const before = balance;
    balance += credit ? item.amount : -item.amount;
    const entry: LedgerEntry = {
      _id: entryId(walletId, seq),
      wallet_id: walletId,
      seq,
      page_key: pageKeyOf(walletId, seq),
      op_id: `${item.type}:${walletId}:${seq}`,
      entry_type: item.type,
      transaction_type: credit ? 'CREDIT' : 'DEBIT',
      amount: item.amount,
      balance_before: before,
      balance_after: balance,
      remarks: item.remarks ?? '',
      ref_id: `ref-${walletId}-${seq}`,
      counterparty_id: item.counterpartyId ?? null,
      status: item.status ?? 'SUCCESS',
      created_at: item.at,
    };
    if (running) entry.running = storedTotals((running = runningAfter(running, entry)));
    return entry;
  });
}
