import { LRUCache } from 'lru-cache';
import type { ReportedEntry } from '../domain/report-row';
import type { Collection, Document } from 'mongodb';
import { lastSlot } from '../../../common/util/last-slot';
import { LedgerEntry, PAGE_KEY_SIZE, RunningTotals, entryId, pageKey, pageOf } from '../../wallet';
import { EMPTY_HEAD, headAt, LedgerReader, matches, RangeSummary, SeqRange, Selection, STREAM_LEAVES_OUT, TransferSuccesses, WalletHead, withTransferStatuses } from './ledger-reader';
import { addTo, summarizeRange, zeroTotals } from './range-summary';

/** `page_key` block reads a long read (filtered page, export) keeps ahead of its consumer. */
export const BLOCK_READS_IN_FLIGHT = 4;
/** `page_key` block reads in flight while summing a range (nothing waits on their order). */
export const TOTALS_BLOCK_READS_IN_FLIGHT = 8;
/** Sealed blocks a reader keeps in memory (least recently used out): ≈ 100 entries each, ≈ 15 MB in all. */
export const SEALED_BLOCKS_KEPT = 256;
/** Wallets whose open top block (its settled run) a reader keeps in memory (least recently used out), ≈ 15 MB at most. */
export const OPEN_BLOCKS_KEPT = 256;
/** Wallets whose last head seen a reader remembers (a lower bound where the next read starts). */
export const HEADS_KEPT = 50_000;
/** Most new slots the newest page reads by `_id` on top of a kept open block (more: read the block). */
export const NEW_SLOT_READS = 10;

const TOTALS_FIELDS = { seq: 1, entry_type: 1, amount: 1 } as const;

/** Where a reader on FerretDB may start looking for a head it has not seen: the ledger's stored head hint (read only). */
export interface HeadHints {
  readHeadHint(walletId: string): Promise<WalletHead | null>;
}

/**
 * The reports' reads on FerretDB 1.24 (postgresql handler). There only a top-level equality reaches
 * the backend (an index lookup through the GIN companion indexes, scripts/lib/ferretdb-pg-gin.sql); a
 * range query decodes the whole wallet. So every read of more than one entry is made of
 * `{page_key: "<wallet>:<page>"}` block reads (index `page_key`, at most `PAGE_KEY_SIZE` entries
 * each), newest block first, several in flight; the seq range, the filters, the period and the order
 * are applied here. Every entry has its `page_key` (the ledger writes it in the insert that claims the
 * slot; migration 20261122000100 backfilled older entries), so a block holds every slot of its page up
 * to the head.
 *
 * Every entry it returns shows its transfer's success (`withTransferStatuses`: a block read with a
 * transfer debit stored `PENDING` reads that block's success events too, one more equality read), so
 * statuses, filters and the caches below see the status the report shows.
 *
 * What it keeps in memory (docs/reports.md, "What a reader keeps in memory"), for the first page
 * (p99 under 20 ms at 100,000 entries) and the pages below it:
 * - **sealed blocks**: a block with all its `PAGE_KEY_SIZE` entries, none `PENDING`, never changes
 *   again (only a transfer or hold debit's status changes, once, from `PENDING`), so pages read it once;
 * - per wallet, the **settled run of its open top block** (from the block's first slot to the first
 *   `PENDING` entry or gap) and the **last head seen**: the next newest page reads by `_id` only the
 *   slots past the run, up to the head and beyond it while they are taken — for a wallet that did not
 *   change, one `_id` lookup (two side by side when it moved at its last page, as a busy wallet does).
 * Exports and sums read around the caches, so a long read does not push out what pages use.
 */
export class FerretDbLedgerReader extends LedgerReader {
  private readonly sealed = new LRUCache<string, readonly LedgerEntry[]>({ max: SEALED_BLOCKS_KEPT });
  private readonly open = new LRUCache<string, OpenBlock>({ max: OPEN_BLOCKS_KEPT });
  private readonly heads = new LRUCache<string, WalletHead>({ max: HEADS_KEPT });

  constructor(
    private readonly entries: Collection<LedgerEntry>,
    private readonly hints: HeadHints,
    private readonly successes: TransferSuccesses,
  ) {
    super();
  }

  /** From the last head this reader saw (else the stored hint), walked forward by `_id` (`lastSlot`). */
  async head(walletId: string): Promise<WalletHead> {
    const known = await this.knownHead(walletId);
    const last = await lastSlot<WalletHead>({ n: known.seq, value: known }, async (seq) => {
      const entry = await this.slotAt(walletId, seq);
      return entry ? headAt(entry) : null;
    });
    const head = last.value ?? known;
    this.remember(walletId, head);
    return head;
  }

  async entryAt(walletId: string, seq: number): Promise<LedgerEntry | null> {
    const entry = await this.slotAt(walletId, seq);
    return entry && (await withTransferStatuses([entry], this.successes))[0];
  }

  /** The entry in slot `seq` as stored (its status not decided by its transfer's success: see `withTransferStatuses`). */
  private slotAt(walletId: string, seq: number): Promise<LedgerEntry | null> {
    return this.entries.findOne({ _id: entryId(walletId, seq) });
  }

  async newest(walletId: string, count: number): Promise<LedgerEntry[]> {
    if (count <= 0) return [];
    const known = (await this.knownHead(walletId)).seq;
    return (await this.newestOnOpenBlock(walletId, count, known)) ?? this.newestByBlocks(walletId, count, known);
  }

  /**
   * The newest page in one round of block reads: the block of the slot after the known head and the
   * blocks below it that the page needs; a full top block means the chain may go on in the next one.
   */
  private async newestByBlocks(walletId: string, count: number, known: number): Promise<LedgerEntry[]> {
    const blocks = new Map<number, Promise<readonly LedgerEntry[]>>();
    const read = (page: number) => {
      let block = blocks.get(page);
      if (!block) {
        blocks.set(page, (block = this.pageBlock(walletId, page)));
        block.catch(() => undefined); // awaited below, unless an earlier read failed first
      }
      return block;
    };
    let top = pageOf(known + 1);
    for (let page = top; page >= pageOf(Math.max(1, known + 1 - count)); page--) void read(page);
    while ((await read(top)).some((e) => e.seq === (top + 1) * PAGE_KEY_SIZE)) void read(++top);
    let head = known;
    for (const block of await Promise.all(blocks.values())) for (const e of block) head = Math.max(head, e.seq);
    if (head === 0) return [];
    const lowest = Math.max(1, head - count + 1);
    for (let page = pageOf(head); page >= pageOf(lowest); page--) void read(page); // when the head moved past the one known
    const entries = slice((await Promise.all(blocks.values())).flat(), head, lowest);
    this.remember(walletId, headAt(entries[0]));
    this.keepOpenBlock(walletId, pageOf(head), await read(pageOf(head)), head > known);
    return entries;
  }

  /**
   * The newest page from the kept open block of the wallet, when the known head is at most
   * `NEW_SLOT_READS` slots past its settled run, in the same block. In parallel: those slots by `_id`,
   * the blocks below (usually sealed), and the slots after the known head by `_id` while they are taken
   * (another process, or this one, wrote them): one at first when the wallet did not move at its last
   * newest page (the usual answer is that the slot is free), else two at a time. Null when that does not
   * apply or the chain left the block or went further than `NEW_SLOT_READS`: the caller reads blocks.
   */
  private async newestOnOpenBlock(walletId: string, count: number, known: number): Promise<LedgerEntry[] | null> {
    const kept = this.open.get(walletId);
    const run = kept?.run;
    const last = run?.[run.length - 1]?.seq;
    if (!kept || !run || last === undefined || last > known || known - last > NEW_SLOT_READS || pageOf(last) !== pageOf(known)) return null;
    const unsettled = Promise.all(Array.from({ length: known - last }, (_, i) => this.slotAt(walletId, last + 1 + i)));
    const below: Array<Promise<readonly LedgerEntry[]>> = [];
    for (let page = pageOf(known) - 1; page >= pageOf(Math.max(1, known - count + 1)); page--) below.push(this.pageBlock(walletId, page));
    for (const read of [unsettled, ...below]) read.catch(() => undefined); // awaited below, unless we give up first
    const added: LedgerEntry[] = [];
    walk: for (let seq = known + 1, width = kept.moved ? 2 : 1; ; seq += width, width = 2) {
      for (const entry of await Promise.all(Array.from({ length: width }, (_, i) => this.slotAt(walletId, seq + i)))) {
        if (!entry) break walk;
        if (pageOf(entry.seq) !== pageOf(last) || entry.seq - last > NEW_SLOT_READS) return null;
        added.push(entry);
      }
    }
    const slots = await unsettled;
    if (slots.some((e) => !e)) return null; // the chain is not what it was: read the blocks
    const top = [...run, ...(await withTransferStatuses([...(slots as LedgerEntry[]), ...added], this.successes))];
    const head = top[top.length - 1];
    this.remember(walletId, headAt(head));
    this.keepOpenBlock(walletId, pageOf(head.seq), top, added.length > 0);
    return slice([...top, ...(await Promise.all(below)).flat()], head.seq, Math.max(1, head.seq - count + 1));
  }

  async newestFirst(range: SeqRange, selection: Selection, limit: number): Promise<LedgerEntry[]> {
    if (limit <= 0 || range.highest < range.lowest) return [];
    const pages = pageOf(range.highest) - pageOf(range.lowest) + 1;
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

  async *stream(range: SeqRange, selection: Selection): AsyncIterable<ReportedEntry> {
    for await (const block of this.byBlocks(range, BLOCK_READS_IN_FLIGHT, { stream: true })) for (const e of block) if (matches(e, selection)) yield e;
  }

  async sumEntries(range: SeqRange): Promise<RunningTotals> {
    const totals = zeroTotals();
    for await (const block of this.byBlocks(range, TOTALS_BLOCK_READS_IN_FLIGHT, { projection: TOTALS_FIELDS })) {
      for (const e of block) addTo(totals, e.entry_type, e.amount);
    }
    return totals;
  }

  summarize(range: SeqRange, head: WalletHead): Promise<RangeSummary> {
    return summarizeRange(this, range, head);
  }

  /** The last head this reader saw of the wallet, else the ledger's stored hint (one `_id` read), else the empty wallet: a lower bound. */
  private async knownHead(walletId: string): Promise<WalletHead> {
    return this.heads.get(walletId) ?? (await this.hints.readHeadHint(walletId)) ?? EMPTY_HEAD;
  }

  private remember(walletId: string, head: WalletHead): void {
    const known = this.heads.get(walletId);
    if (!known || known.seq < head.seq) this.heads.set(walletId, head);
  }

  /** Keeps the settled run of a wallet's top block (from its first slot to the first gap or `PENDING` entry). */
  private keepOpenBlock(walletId: string, page: number, block: readonly LedgerEntry[], moved: boolean): void {
    const run: LedgerEntry[] = [];
    for (const e of [...block].sort((a, b) => a.seq - b.seq)) {
      if (e.seq !== page * PAGE_KEY_SIZE + run.length + 1 || e.status === 'PENDING') break;
      run.push(Object.freeze(e));
    }
    if (run.length === 0) this.open.delete(walletId);
    else this.open.set(walletId, { run: Object.freeze(run), moved });
  }

  /**
   * The entries of the range, newest first, one block at a time: a `{page_key}` read per block of the
   * chain, `inFlight` of them ahead of the consumer (a consumer that stops early leaves the rest unread).
   */
  private async *byBlocks(range: SeqRange, inFlight: number, options: { projection?: Document; sealedBlocks?: boolean; stream?: boolean } = {}): AsyncGenerator<LedgerEntry[]> {
    const { walletId, lowest, highest } = range;
    if (highest < lowest) return;
    const last = pageOf(lowest);
    let next = pageOf(highest);
    const ahead: Array<Promise<LedgerEntry[]>> = [];
    const readNext = () => {
      const page = next--;
      const read = options.sealedBlocks ? this.pageBlock(walletId, page) : this.readBlock(walletId, page, options.projection, options.stream);
      const block = read.then((found) => slice(found, highest, lowest));
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
    if (kept) return kept;
    const block = await this.readBlock(walletId, page);
    if (block.length === PAGE_KEY_SIZE && block.every((e) => pageOf(e.seq) === page && e.status !== 'PENDING')) {
      block.forEach((e) => Object.freeze(e));
      this.sealed.set(key, Object.freeze(block));
    }
    return block;
  }

  /**
   * One block of the chain: the entries whose `page_key` is `<wallet>:<page>` (one indexed equality), with
   * their transfers' successes (unless only some fields are read: sums need no status). For a `stream`
   * (through many blocks, such as an export) the block comes without the fields a stream leaves out
   * (`STREAM_LEAVES_OUT`), and its successes are read beside it instead of after it: one round trip per
   * block instead of two in a row, at the price of an empty read for a block that holds no transfer.
   */
  private async readBlock(walletId: string, page: number, projection?: Document, stream = false): Promise<LedgerEntry[]> {
    const key = pageKey(walletId, page);
    if (projection) return this.entries.find({ page_key: key }, { projection }).toArray();
    const ahead = stream ? this.successes.transferSuccessesOnPage(key) : undefined;
    ahead?.catch(() => undefined); // awaited below, unless the block read fails first
    const entries = await this.entries.find({ page_key: key }, stream ? { projection: STREAM_LEAVES_OUT } : {}).toArray();
    // Every entry of the block has this page_key, so it is the only page whose successes are asked for.
    return withTransferStatuses(entries, ahead ? { transferSuccessesOnPage: () => ahead } : this.successes);
  }
}

/** A wallet's open top block as a newest page last read it: its settled run, and whether the chain had moved since the page before. */
interface OpenBlock {
  run: readonly LedgerEntry[];
  moved: boolean;
}

/** The entries of `found` with seqs from `highest` down to `lowest`, newest first. */
function slice(found: readonly LedgerEntry[], highest: number, lowest: number): LedgerEntry[] {
  return found.filter((e) => e.seq >= lowest && e.seq <= highest).sort((a, b) => b.seq - a.seq);
}
