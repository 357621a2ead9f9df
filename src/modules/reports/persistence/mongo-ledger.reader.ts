import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Document, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { LEDGER_ENTRIES_COLLECTION, LedgerEntry, PAGE_KEY_SIZE, entryId, pageKey, pageOf, LedgerService } from '../../wallet';
import { LedgerReader, matches, SeqRange, Selection, TotalsBucket } from './ledger-reader';

/** The wallet module's collection (named by its public surface), read here and never written. */
export const LEDGER_ENTRIES = LEDGER_ENTRIES_COLLECTION;
/** Entries fetched per round trip by a streamed read (export). */
export const STREAM_BATCH_SIZE = 1000;
/** Entries per round trip when summing a period (two small fields each). */
export const TOTALS_BATCH_SIZE = 5000;
/** `page_key` block reads a long read on FerretDB (filtered page, export) keeps ahead of its consumer. */
export const BLOCK_READS_IN_FLIGHT = 4;
/** `page_key` block reads in flight while summing a period on FerretDB (nothing waits on their order). */
export const TOTALS_BLOCK_READS_IN_FLIGHT = 8;
/** `_id` lookups kept in flight when slots of a block read are missing (entries without `page_key`). */
export const SLOT_READS_IN_FLIGHT = 16;
/** Sealed blocks a reader keeps in memory (least recently used out): ≈ 100 entries each, ≈ 15 MB in all. */
export const SEALED_BLOCKS_KEPT = 256;
/** Wallets whose open top block a reader keeps in memory (least recently used out), ≈ 15 MB at most. */
export const OPEN_BLOCKS_KEPT = 256;
/** Most new slots the newest page reads by `_id` on top of a kept open block (more: read the block). */
export const NEW_SLOT_READS = 10;

const TOTALS_FIELDS = { seq: 1, entry_type: 1, amount: 1 } as const;

/**
 * Report reads on `ledger_entries` with the native driver, in the shape each backend serves from an
 * index (see docs/reports.md, "Query shapes and why"):
 *
 * - **MongoDB**: a range of the chain is one query `{wallet_id, seq: {$gte, $lte}, [filters]}` sorted
 *   `{seq: -1}`, bounded by the `wallet_seq` index `{wallet_id: 1, seq: -1}`; the newest entries are
 *   `{wallet_id}` sorted `{seq: -1}` with a limit, the same index; totals stream two fields per entry.
 * - **FerretDB**: only a top-level equality reaches the backend (an index lookup there through the GIN
 *   companion indexes, scripts/lib/ferretdb-pg-gin.sql); a range query decodes the whole wallet. So
 *   every read is made of `{page_key: "<wallet>:<page>"}` block reads (index `page_key`, at most
 *   `PAGE_KEY_SIZE` entries each), newest block first, several in flight; the seq range, the filters,
 *   the period and the order are applied here. The chain is contiguous, so every seq of a range must
 *   be found: a slot missing from its block (an entry written without `page_key`) is read by `_id`.
 *   The newest entries start from the head the ledger last knew (`LedgerService.headHint`): the block
 *   of the next free slot, the blocks below it and the slot after the hint (by `_id`) are read in one
 *   round; a full top block is followed upward until the chain ends, and a taken slot after the head
 *   found that way (an entry without `page_key`) falls back to the ledger's walk by `_id`.
 *
 * Pages on FerretDB keep **sealed** blocks in memory: a block that holds all its `PAGE_KEY_SIZE`
 * entries, none of them `PENDING`, can never change again (entries are immutable except the status of
 * a transfer debit, which goes from `PENDING` to its final status once), so a page that needs it again
 * (the block under the newest one, pages paged back to) does not read it again. Blocks still open (the
 * top of the chain, or holding a `PENDING` debit) are read again, with one exception: the newest page
 * keeps, per wallet, the settled run of its open top block (from the block's first slot up to the
 * first `PENDING` entry or gap). When the head it starts from is at most `NEW_SLOT_READS` slots past
 * that run, in the same block, the page reads only those slots, and the slots after the head while
 * they are taken, by `_id` (plus the blocks below, usually sealed): for a wallet that did not change
 * since its last page, just one `_id` lookup. Exports and totals read around the caches, so one long read does not push out
 * what pages use.
 *
 * Which backend serves the connection is asked once per process (`buildInfo.ferretdbVersion`).
 */
@Injectable()
export class MongoLedgerReader extends LedgerReader {
  private ferretdb: Promise<boolean> | undefined;
  /** Sealed blocks by `page_key`, in order of last use (a `Map` keeps insertion order). */
  private readonly sealed = new Map<string, readonly LedgerEntry[]>();
  /** Per wallet, the settled run of its open top block as last read (seqs `page × 100 + 1 …`), in order of last use. */
  private readonly open = new Map<string, readonly LedgerEntry[]>();

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly ledger: LedgerService,
  ) {
    super();
  }

  private get entries(): Collection<LedgerEntry> {
    return this.connection.db!.collection<LedgerEntry>(LEDGER_ENTRIES);
  }

  entryAt(walletId: string, seq: number): Promise<LedgerEntry | null> {
    return this.entries.findOne({ _id: entryId(walletId, seq) });
  }

  async newest(walletId: string, count: number): Promise<LedgerEntry[]> {
    if (count <= 0) return [];
    if (!(await this.onFerretDb())) return this.entries.find({ wallet_id: walletId }).sort({ seq: -1 }).limit(count).toArray();

    const hint = await this.ledger.headHint(walletId);
    const kept = await this.newestOnOpenBlock(walletId, count, hint.seq);
    if (kept) return kept;
    const blocks = new Map<number, Promise<readonly LedgerEntry[]>>();
    const read = (page: number) => {
      let block = blocks.get(page);
      if (!block) {
        blocks.set(page, (block = this.pageBlock(walletId, page)));
        block.catch(() => undefined); // awaited below, unless an earlier read failed first
      }
      return block;
    };
    // One round if the hint is the head: the block of the next free slot, the blocks below it, and
    // the slot after the hint by `_id` (which confirms the head even if an entry lacks `page_key`).
    // (Plus the `wallets` hint read first when this process has not seen the wallet yet.)
    const taken = (seq: number) => this.taken(walletId, seq);
    const afterHint = taken(hint.seq + 1);
    afterHint.catch(() => undefined);
    let top = pageOf(hint.seq + 1);
    for (let page = top; page >= pageOf(Math.max(1, hint.seq + 1 - count)); page--) void read(page);
    // A top block holding its last slot means the chain may go on in the next block.
    while ((await read(top)).some((e) => e.seq === (top + 1) * PAGE_KEY_SIZE)) void read(++top);
    let head = hint.seq;
    let headEntry: LedgerEntry | undefined;
    for (const block of await Promise.all(blocks.values())) {
      for (const e of block) if (e.seq >= head && (!headEntry || e.seq > headEntry.seq)) [head, headEntry] = [e.seq, e];
    }
    if (await (head === hint.seq ? afterHint : taken(head + 1))) {
      // A taken slot after the head the blocks show: an entry without `page_key`. The ledger walks by `_id`, from here.
      if (headEntry) this.ledger.noteHead(headEntry);
      head = (await this.ledger.balanceOf(walletId)).seq;
    }
    if (head === 0) return [];

    const lowest = Math.max(1, head - count + 1);
    for (let page = pageOf(head); page >= pageOf(lowest); page--) void read(page); // when the head moved past the hint
    const found = (await Promise.all(blocks.values())).flat();
    const entries = await this.fill(walletId, head, lowest, found);
    if (entries[0]?.seq === head) this.ledger.noteHead(entries[0]);
    this.keepOpenBlock(walletId, pageOf(head), await read(pageOf(head)));
    return entries;
  }

  /**
   * The newest page from the kept open block of the wallet, when the head hint is at most
   * `NEW_SLOT_READS` slots past it in the same block. In parallel: those slots by `_id`, the blocks
   * below as pages read them, and the slots after the hint by `_id`, one after the other while they are
   * taken (another process wrote them). Null when that does not apply or the chain left the block or
   * went further than `NEW_SLOT_READS`: the caller reads blocks.
   */
  private async newestOnOpenBlock(walletId: string, count: number, hint: number): Promise<LedgerEntry[] | null> {
    const run = this.open.get(walletId);
    const last = run?.[run.length - 1]?.seq;
    if (!run || last === undefined || last > hint || hint - last > NEW_SLOT_READS || pageOf(last) !== pageOf(hint)) return null;
    const known = Promise.all(Array.from({ length: hint - last }, (_, i) => this.entryAt(walletId, last + 1 + i)));
    const below: Array<Promise<readonly LedgerEntry[]>> = [];
    for (let page = pageOf(hint) - 1; page >= pageOf(Math.max(1, hint - count + 1)); page--) below.push(this.pageBlock(walletId, page));
    for (const read of [known, ...below]) read.catch(() => undefined); // awaited below, unless we give up first
    const added: LedgerEntry[] = [];
    for (let seq = hint + 1; ; seq++) {
      const entry = await this.entryAt(walletId, seq);
      if (!entry) break;
      if (pageOf(seq) !== pageOf(last) || seq - last > NEW_SLOT_READS) return null;
      added.push(entry);
    }
    const slots = await known;
    if (slots.some((e) => !e)) return null;
    const top = [...run, ...(slots as LedgerEntry[]), ...added];
    const head = top[top.length - 1];
    if (added.length) this.ledger.noteHead(head);
    this.keepOpenBlock(walletId, pageOf(head.seq), top);
    return this.fill(walletId, head.seq, Math.max(1, head.seq - count + 1), [...top, ...(await Promise.all(below)).flat()]);
  }

  /** Keeps the settled run of a wallet's top block (from its first slot to the first gap or `PENDING` entry). */
  private keepOpenBlock(walletId: string, page: number, block: readonly LedgerEntry[]): void {
    const run: LedgerEntry[] = [];
    for (const e of [...block].sort((a, b) => a.seq - b.seq)) {
      if (e.seq !== page * PAGE_KEY_SIZE + run.length + 1 || e.status === 'PENDING') break;
      run.push(Object.freeze(e));
    }
    this.open.delete(walletId);
    if (run.length === 0) return;
    this.open.set(walletId, Object.freeze(run));
    if (this.open.size > OPEN_BLOCKS_KEPT) this.open.delete(this.open.keys().next().value!);
  }

  /** Whether slot `seq` of the wallet is taken (an `_id` lookup that returns only the `_id`). */
  private taken(walletId: string, seq: number): Promise<boolean> {
    return this.entries.findOne({ _id: entryId(walletId, seq) }, { projection: { _id: 1 } }).then(Boolean);
  }

  async newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]> {
    if (limit <= 0) return [];
    if (!(await this.onFerretDb())) return this.entries.find(toFilter(range, selection)).sort({ seq: -1 }).limit(limit).toArray();
    const pages = range.highest < range.lowest ? 0 : pageOf(range.highest) - pageOf(range.lowest) + 1;
    const inFlight = Math.min(pages, Math.max(BLOCK_READS_IN_FLIGHT, Math.ceil(limit / PAGE_KEY_SIZE) + 1));
    const found: LedgerEntry[] = [];
    for await (const block of this.byBlocks(range, inFlight, { sealedBlocks: true })) {
      for (const e of block) {
        if (!matches(e, selection)) continue;
        found.push(e);
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  async *stream(range: SeqRange, selection: Selection): AsyncIterable<LedgerEntry> {
    if (!(await this.onFerretDb())) {
      yield* this.entries.find(toFilter(range, selection)).sort({ seq: -1 }).batchSize(STREAM_BATCH_SIZE);
      return;
    }
    for await (const block of this.byBlocks(range, BLOCK_READS_IN_FLIGHT)) for (const e of block) if (matches(e, selection)) yield e;
  }

  async totals(range: SeqRange): Promise<TotalsBucket[]> {
    // Two fields per entry, summed here. A `$group` would move less data on MongoDB, but FerretDB 1.24
    // answers 0 for every accumulator of a `$group` after the first (see docs/reports.md).
    const buckets = new Map<TotalsBucket['entryType'], TotalsBucket>();
    const add = ({ entry_type: entryType, amount }: Pick<LedgerEntry, 'entry_type' | 'amount'>) => {
      const bucket = buckets.get(entryType) ?? { entryType, amount: 0, count: 0 };
      bucket.amount += amount;
      bucket.count += 1;
      buckets.set(entryType, bucket);
    };
    if (await this.onFerretDb()) {
      for await (const block of this.byBlocks(range, TOTALS_BLOCK_READS_IN_FLIGHT, { projection: TOTALS_FIELDS })) block.forEach(add);
    } else {
      const cursor = this.entries
        .find(toFilter(range, { filter: {}, period: { from: null, toExclusive: null } }), { projection: { _id: 0, entry_type: 1, amount: 1 } })
        .batchSize(TOTALS_BATCH_SIZE);
      for await (const entry of cursor as unknown as AsyncIterable<Pick<LedgerEntry, 'entry_type' | 'amount'>>) add(entry);
    }
    return [...buckets.values()];
  }

  /**
   * The entries of the range, newest first, one block at a time: a `{page_key}` read per block of the
   * chain, `inFlight` of them ahead of the consumer (a consumer that stops early leaves the rest unread).
   */
  private async *byBlocks(range: SeqRange, inFlight: number, options: { projection?: Document; sealedBlocks?: boolean } = {}): AsyncGenerator<LedgerEntry[]> {
    const { walletId, lowest, highest } = range;
    if (highest < lowest) return;
    const last = pageOf(lowest);
    let next = pageOf(highest);
    const ahead: Array<Promise<LedgerEntry[]>> = [];
    const readNext = () => {
      const page = next--;
      const from = Math.min(highest, (page + 1) * PAGE_KEY_SIZE);
      const to = Math.max(lowest, page * PAGE_KEY_SIZE + 1);
      const read = options.sealedBlocks ? this.pageBlock(walletId, page) : this.readBlock(walletId, page, options.projection);
      const block = read.then((found) => this.fill(walletId, from, to, found));
      block.catch(() => undefined); // awaited below, unless the consumer stopped first
      ahead.push(block);
    };
    while (ahead.length < Math.max(1, inFlight) && next >= last) readNext();
    while (ahead.length) {
      const block = await ahead.shift()!;
      if (next >= last) readNext();
      yield block;
    }
  }

  /** A block for a page: from memory when sealed, else read (and kept when it turns out sealed). */
  private async pageBlock(walletId: string, page: number): Promise<readonly LedgerEntry[]> {
    const key = pageKey(walletId, page);
    const kept = this.sealed.get(key);
    if (kept) {
      this.sealed.delete(key);
      this.sealed.set(key, kept);
      return kept;
    }
    const block = await this.readBlock(walletId, page);
    if (block.length === PAGE_KEY_SIZE && block.every((e) => pageOf(e.seq) === page && e.status !== 'PENDING')) {
      block.forEach((e) => Object.freeze(e));
      this.sealed.set(key, Object.freeze(block));
      if (this.sealed.size > SEALED_BLOCKS_KEPT) this.sealed.delete(this.sealed.keys().next().value!);
    }
    return block;
  }

  /** One block of the chain: the entries whose `page_key` is `<wallet>:<page>` (one indexed equality). */
  protected readBlock(walletId: string, page: number, projection?: Document): Promise<LedgerEntry[]> {
    return this.entries.find({ page_key: pageKey(walletId, page) }, projection ? { projection } : {}).toArray();
  }

  /** Seqs `highest` down to `lowest` out of `found`, newest first; a slot not found is read by `_id`. */
  private async fill(walletId: string, highest: number, lowest: number, found: readonly LedgerEntry[]): Promise<LedgerEntry[]> {
    const slots: Array<LedgerEntry | null> = new Array(Math.max(0, highest - lowest + 1)).fill(null);
    for (const e of found) if (e.seq >= lowest && e.seq <= highest) slots[highest - e.seq] = e;
    const missing = slots.flatMap((e, i) => (e ? [] : [i]));
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const i = missing[next++];
        slots[i] = await this.entries.findOne({ _id: entryId(walletId, highest - i) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(SLOT_READS_IN_FLIGHT, missing.length) }, worker));
    return slots.filter((e): e is LedgerEntry => e !== null);
  }

  /** True on FerretDB (its `buildInfo` carries `ferretdbVersion`), asked once per process. */
  protected onFerretDb(): Promise<boolean> {
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
}

export function toFilter(range: SeqRange, { filter, period }: Selection): Filter<LedgerEntry> {
  const query: Document = { wallet_id: range.walletId, seq: { $gte: range.lowest, $lte: range.highest } };
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
