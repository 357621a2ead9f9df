import type { Collection, Document, Filter, FindCursor } from 'mongodb';
import type { ReportedEntry } from '../domain/report-row';
import { EntryType, LedgerEntry, RunningTotals, entryId } from '../../wallet';
import { EMPTY_HEAD, headAt, LedgerReader, matches, RangeSummary, SeqRange, Selection, STREAM_LEAVES_OUT, TransferSuccesses, WalletHead, withTransferStatuses } from './ledger-reader';
import { addTo, summarizeRange, zeroTotals } from './range-summary';

/** Entries fetched per round trip by a streamed read (export). */
export const STREAM_BATCH_SIZE = 1000;

/**
 * The reports' reads on MongoDB, with the native driver on `ledger_entries` (read, never written).
 * Every read is bounded by the `wallet_seq` index `{wallet_id: 1, seq: -1}` (migration
 * 20261121000100) or is an `_id` lookup: a range of the chain is one query
 * `{wallet_id, seq: {$gte, $lte}, [filters]}` sorted `{seq: -1}`; the newest entries and the head are
 * the first keys of the wallet in that index; sums are `$group`s over the same range. Nothing is kept
 * in memory. See docs/reports.md, "Query shapes and why". Entries are read in chunks, each shown with
 * its transfers' successes (`withTransferStatuses`) before the status filter is applied to it (the
 * query selects what the status filter may match, `toFilter`).
 */
export class MongoLedgerReader extends LedgerReader {
  constructor(
    private readonly entries: Collection<LedgerEntry>,
    private readonly successes: TransferSuccesses,
  ) {
    super();
  }

  async head(walletId: string): Promise<WalletHead> {
    const top = await this.entries.findOne({ wallet_id: walletId }, { sort: { seq: -1 } });
    return top ? headAt(top) : EMPTY_HEAD;
  }

  async entryAt(walletId: string, seq: number): Promise<LedgerEntry | null> {
    const entry = await this.entries.findOne({ _id: entryId(walletId, seq) });
    return entry && (await withTransferStatuses([entry], this.successes))[0];
  }

  async newest(walletId: string, count: number): Promise<LedgerEntry[]> {
    if (count <= 0) return [];
    return withTransferStatuses(await this.entries.find({ wallet_id: walletId }).sort({ seq: -1 }).limit(count).toArray(), this.successes);
  }

  async newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]> {
    if (limit <= 0 || range.highest < range.lowest) return [];
    const found: LedgerEntry[] = [];
    for await (const e of this.selected(this.entries.find(toFilter(range, selection)).sort({ seq: -1 }).batchSize(limit), selection, limit)) {
      found.push(e);
      if (found.length >= limit) break;
    }
    return found;
  }

  async *stream(range: SeqRange, selection: Selection): AsyncIterable<ReportedEntry> {
    if (range.highest < range.lowest) return;
    const cursor = this.entries.find(toFilter(range, selection), { projection: STREAM_LEAVES_OUT }).sort({ seq: -1 }).batchSize(STREAM_BATCH_SIZE);
    yield* this.selected(cursor, selection, STREAM_BATCH_SIZE);
  }

  /** The cursor's entries, `chunk` at a time, with their transfers' successes, that the selection matches (its status filter, now decided). */
  private async *selected(cursor: FindCursor<LedgerEntry>, selection: Selection, chunk: number): AsyncGenerator<LedgerEntry> {
    try {
      let batch: LedgerEntry[] = [];
      const flush = async () => (await withTransferStatuses(batch.splice(0), this.successes)).filter((e) => matches(e, selection));
      for await (const e of cursor) {
        batch.push(e);
        if (batch.length >= chunk) yield* await flush();
      }
      if (batch.length) yield* await flush();
    } finally {
      await cursor.close();
    }
  }

  /**
   * Two `$group`s over the range, side by side: the amounts per kind and the counts per kind. (One
   * `$group` with both accumulators would do on MongoDB, but FerretDB 1.24 answers 0 for every
   * accumulator after the first, and this adapter's contract is checked on FerretDB too.)
   */
  async sumEntries(range: SeqRange): Promise<RunningTotals> {
    const totals = zeroTotals();
    if (range.highest < range.lowest) return totals;
    const match = { $match: toFilter(range, { filter: {}, period: { from: null, toExclusive: null } }) };
    const group = (sum: 1 | '$amount') => this.entries.aggregate<{ _id: EntryType; n: number }>([match, { $group: { _id: '$entry_type', n: { $sum: sum } } }]).toArray();
    const [amounts, counts] = await Promise.all([group('$amount'), group(1)]);
    for (const { _id, n } of amounts) addTo(totals, _id, n, 0);
    for (const { _id, n } of counts) totals.counts[_id] += n;
    return totals;
  }

  summarize(range: SeqRange, head: WalletHead): Promise<RangeSummary> {
    return summarizeRange(this, range, head);
  }
}

/** The query of a range and a selection: `matches` as a MongoDB filter (wider on status `SUCCESS`: see there). */
export function toFilter(range: SeqRange, { filter, period }: Selection): Filter<LedgerEntry> {
  const query: Document = { wallet_id: range.walletId, seq: { $gte: range.lowest, $lte: range.highest } };
  if (filter.entryTypes) query.entry_type = filter.entryTypes.length === 1 ? filter.entryTypes[0] : { $in: filter.entryTypes };
  if (filter.transactionType) query.transaction_type = filter.transactionType;
  // A transfer's debit entry stored PENDING may show SUCCESS (its success event): selected for SUCCESS
  // too, and the status decided once its success is read (`withTransferStatuses`, then `matches`).
  if (filter.status === 'SUCCESS') query.$or = [{ status: 'SUCCESS' }, { status: 'PENDING', entry_type: 'TRANSFER_OUT' }];
  else if (filter.status) query.status = filter.status;
  if (period.from || period.toExclusive) {
    const createdAt: Document = {};
    if (period.from) createdAt.$gte = period.from;
    if (period.toExclusive) createdAt.$lt = period.toExclusive;
    query.created_at = createdAt;
  }
  return query as Filter<LedgerEntry>;
}
