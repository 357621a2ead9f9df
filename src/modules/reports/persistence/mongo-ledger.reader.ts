import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Document, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { LedgerEntry, entryId, pageKey, pageOf } from '../../wallet/domain/ledger-entry';
import { isSelective } from '../domain/report-filter';
import { LedgerReader, SeqRange, Selection, TotalsBucket } from './ledger-reader';

/** The wallet module's collection, read here and never written. */
export const LEDGER_ENTRIES = 'ledger_entries';
/** Entries fetched per round trip by a streamed read (export). */
export const STREAM_BATCH_SIZE = 1000;
/** Entries per round trip when summing a period (two small fields each). */
export const TOTALS_BATCH_SIZE = 5000;
/** Widest seq range read by blocks (`page_key`) on FerretDB: the largest page. */
export const MAX_BLOCK_RANGE = 1000;
/** `_id` lookups kept in flight when slots of a block read are missing (entries without `page_key`). */
export const SLOT_READS_IN_FLIGHT = 16;

/**
 * Report reads on `ledger_entries` with the native driver. Query shapes (see docs/reports.md):
 * - a single entry: `{_id: "<wallet>:<seq 12 digits>"}`;
 * - a page or an export: `{wallet_id, seq: {$gte, $lte}, [entry_type], [transaction_type], [status],
 *   [created_at]}` sorted `{seq: -1}` (served by the `wallet_seq` index `{wallet_id: 1, seq: -1}`
 *   on MongoDB: the seq bounds limit what the server examines);
 * - a block of the chain: `{page_key: "<wallet>:<page 10 digits>"}` (index `page_key`);
 * - totals: `{wallet_id, seq: {$gte, $lte}}` projected to `{entry_type, amount}`, streamed and summed.
 *
 * On FerretDB a range query is never bounded by an index (only top-level equality is pushed down to
 * the backend), so it reads the whole wallet; an equality on an indexed field is an index lookup there
 * (GIN companion indexes, scripts/lib/ferretdb-pg-gin.sql). So on FerretDB an unfiltered range of at
 * most `MAX_BLOCK_RANGE` seqs (a plain page, with or without a period) is read as the blocks of
 * `PAGE_KEY_SIZE` entries that cover it, one `{page_key}` query each, all in parallel (2 for an
 * unaligned page of 100); the range, the period and the order are applied here. The chain is
 * contiguous, so every seq of the range must be found: a slot missing from its block (an entry written
 * without `page_key`) is read by `_id`. Filtered pages (5,000-entry windows) stay range queries. On
 * MongoDB the `wallet_seq` index bounds the range query: one round trip.
 */
@Injectable()
export class MongoLedgerReader extends LedgerReader {
  private ferretdb: Promise<boolean> | undefined;

  constructor(@InjectConnection() private readonly connection: Connection) {
    super();
  }

  private get entries(): Collection<LedgerEntry> {
    return this.connection.db!.collection<LedgerEntry>(LEDGER_ENTRIES);
  }

  entryAt(walletId: string, seq: number): Promise<LedgerEntry | null> {
    return this.entries.findOne({ _id: entryId(walletId, seq) });
  }

  async newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]> {
    if (!isSelective(selection.filter) && range.highest !== null && range.highest - range.lowest < MAX_BLOCK_RANGE && (await this.rangesNeedBlockReads())) {
      return (await this.blocks(range.walletId, range.highest, range.lowest)).filter((e) => matches(e, selection)).slice(0, limit);
    }
    return this.entries.find(toFilter(range, selection)).sort({ seq: -1 }).limit(limit).toArray();
  }

  /** The entries of seqs `highest` down to `lowest`, newest first: one `{page_key}` read per block, in parallel. */
  private async blocks(walletId: string, highest: number, lowest: number): Promise<LedgerEntry[]> {
    const count = Math.max(0, highest - lowest + 1);
    if (count === 0) return [];
    const found: Array<LedgerEntry | null> = new Array(count).fill(null);
    const reads: Array<Promise<LedgerEntry[]>> = [];
    for (let page = pageOf(highest); page >= pageOf(lowest); page--) reads.push(this.entries.find({ page_key: pageKey(walletId, page) }).toArray());
    for (const block of await Promise.all(reads)) {
      for (const e of block) if (e.wallet_id === walletId && e.seq >= lowest && e.seq <= highest) found[highest - e.seq] = e;
    }
    const missing = found.flatMap((e, i) => (e ? [] : [i]));
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const i = missing[next++];
        found[i] = await this.entries.findOne({ _id: entryId(walletId, highest - i) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(SLOT_READS_IN_FLIGHT, missing.length) }, worker));
    return found.filter((e): e is LedgerEntry => e !== null);
  }

  /** True on FerretDB (its `buildInfo` carries `ferretdbVersion`), asked once per process. */
  private rangesNeedBlockReads(): Promise<boolean> {
    this.ferretdb ??= this.connection
      .db!.admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string')
      .catch(() => {
        this.ferretdb = undefined; // ask again next time
        return false;
      });
    return this.ferretdb;
  }

  stream(range: SeqRange, selection: Selection): AsyncIterable<LedgerEntry> {
    return this.entries.find(toFilter(range, selection)).sort({ seq: -1 }).batchSize(STREAM_BATCH_SIZE);
  }

  async totals(range: SeqRange): Promise<TotalsBucket[]> {
    // One streamed read of two fields per entry, summed here. A `$group` would move less data on
    // MongoDB, but FerretDB 1.24 answers 0 for every accumulator of a `$group` after the first, and
    // two aggregations would mean two full scans there (see docs/reports.md).
    const buckets = new Map<TotalsBucket['entryType'], TotalsBucket>();
    const cursor = this.entries
      .find(toFilter(range, { filter: {}, period: { from: null, toExclusive: null } }), { projection: { _id: 0, entry_type: 1, amount: 1 } })
      .batchSize(TOTALS_BATCH_SIZE);
    for await (const { entry_type: entryType, amount } of cursor as unknown as AsyncIterable<Pick<LedgerEntry, 'entry_type' | 'amount'>>) {
      const bucket = buckets.get(entryType) ?? { entryType, amount: 0, count: 0 };
      bucket.amount += amount;
      bucket.count += 1;
      buckets.set(entryType, bucket);
    }
    return [...buckets.values()];
  }
}

/** `toFilter`'s selection, for entries read by block or by `_id` (the seq range is applied by the caller). */
export function matches(entry: LedgerEntry, { filter, period }: Selection): boolean {
  return (
    (!filter.entryTypes || filter.entryTypes.includes(entry.entry_type)) &&
    (!filter.transactionType || entry.transaction_type === filter.transactionType) &&
    (!filter.status || entry.status === filter.status) &&
    (!period.from || entry.created_at >= period.from) &&
    (!period.toExclusive || entry.created_at < period.toExclusive)
  );
}

export function toFilter(range: SeqRange, { filter, period }: Selection): Filter<LedgerEntry> {
  const seq: Document = { $gte: range.lowest };
  if (range.highest !== null) seq.$lte = range.highest;
  const query: Document = { wallet_id: range.walletId, seq };
  if (filter.entryTypes) query.entry_type = filter.entryTypes.length === 1 ? filter.entryTypes[0] : { $in: filter.entryTypes };
  if (filter.transactionType) query.transaction_type = filter.transactionType;
  if (filter.status) query.status = filter.status;
  if (period.from || period.toExclusive) {
    const createdAt: Document = {};
    if (period.from) createdAt.$gte = period.from;
    if (period.toExclusive) createdAt.$lt = period.toExclusive;
    query.created_at = createdAt;
  }
  return query as Filter<LedgerEntry>;
}
