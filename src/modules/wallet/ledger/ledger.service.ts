import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { lastSlot } from '../../../common/util/last-slot';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { LRUCache } from 'lru-cache';
import type { Counter } from 'prom-client';
import { EVENTS_PRODUCED_METRIC } from '../../../infrastructure/event-metrics.module';
import { EntryStatus, EntryType, LedgerEntry, NO_TOTALS, RunningTotals, TransactionType, entryId, pageKeyOf, runningAfter, storedTotals, totalsNumbers, totalsOf } from '../domain/ledger-entry';
import { dependencyOf } from '../../../common/errors';
import { BalanceLimitExceededError, BalanceNotEnoughError, LedgerBusyError } from '../domain/wallet.errors';
import { LedgerRepository, WalletHead } from '../persistence/ledger.repository';
import { AnnouncedSlots, LedgerDoorbell } from '../../../infrastructure/ledger-doorbell';

export interface Posting {
  /** Unique id of this balance change; posting it again returns the first entry and moves nothing. */
  opId: string;
  walletId: string;
  entryType: EntryType;
  direction: TransactionType;
  amount: number;
  refId: string;
  remarks?: string;
  counterpartyId?: string | null;
  status?: EntryStatus;
  /** Set when an earlier attempt of this very operation may have been applied (a retry, a replay, a job re-run). */
  mayExist?: boolean;
}

const MAX_ATTEMPTS = 200;
/**
 * The stored head hint (`wallets`) is advanced on every HINT_INTERVAL-th entry of a wallet only, off the
 * request: it is derived data (a lower bound of the head), so a lost or late one costs a few `_id` reads
 * of the next reader that does not know the head (a galloping walk), never money.
 */
export const HINT_INTERVAL = 64;
/** Most consecutive slots of one wallet claimed in one round trip (`appendRun`). */
const RUN_MAX = 32;

interface Waiting {
  p: Posting;
  resolve(entry: LedgerEntry): void;
  reject(err: unknown): void;
}
/**
 * How long a posting whose insert failed with a database error keeps trying to learn whether that
 * insert landed (by inserting the same entry again: its `op_id` makes that idempotent) before it gives up
 * with a 503. A short outage (a restart of the database) is then answered with the real outcome.
 */
const UNCERTAIN_WRITE_RESOLVE_MS = 4_000;

/**
 * The wallet ledger. A wallet is the chain of its entries `<wallet>:000000000001`, `…002`, …; an
 * entry is written by one insert that claims both its slot (`_id`) and its operation (`op_id`, unique
 * index). Two writers can never both claim slot n, so each entry's `balance_before` is exactly the
 * previous entry's `balance_after` and a debit can never take the balance below zero; an operation can
 * never be applied twice. No conditional update is involved: this holds on FerretDB and MongoDB alike.
 * See docs/ledger.md.
 */
@Injectable()
export class LedgerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerService.name);
  /** Postings waiting per wallet in this process, and whether a drain is under way (see `post`). */
  private readonly lanes = new Map<string, Waiting[]>();
  /** Last head seen per wallet in this process: only a starting point, always walked forward (the 50,000 wallets used last). */
  private readonly heads = new LRUCache<string, WalletHead>({ max: 50_000 });
  /** The furthest slot of each wallet that any process announced on the doorbell (see `knownHead`). */
  private readonly announced = new AnnouncedSlots('ledger');

  constructor(
    private readonly repo: LedgerRepository,
    private readonly config: AppConfig,
    @Optional() private readonly doorbell?: LedgerDoorbell,
    @Optional() @InjectMetric(EVENTS_PRODUCED_METRIC) private readonly produced?: Counter<string>,
  ) {}

  onModuleInit(): void {
    this.announced.listen(this.doorbell, (message) => this.logger.warn(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.announced.close();
  }

  /**
   * Applies a posting exactly once (idempotent by `opId`) and returns its entry. A posting of an
   * operation that already went through needs no read first: its insert fails on the unique `op_id`,
   * and the entry that exists is returned (see `tryAppend`).
   */
  async post(p: Posting): Promise<LedgerEntry> {
    return new Promise<LedgerEntry>((resolve, reject) => {
      const lane = this.lanes.get(p.walletId);
      if (lane) {
        lane.push({ p, resolve, reject });
        return;
      }
      this.lanes.set(p.walletId, [{ p, resolve, reject }]);
      void this.drain(p.walletId);
    });
  }

  /**
   * Works through the postings of one wallet waiting in this process, one append at a time (so a hot
   * wallet does not conflict with itself). When several wait and this process knows the head, the
   * leading ones that fit go out as one run of consecutive slots (`appendRun`).
   */
  private async drain(walletId: string): Promise<void> {
    const lane = this.lanes.get(walletId)!;
    while (lane.length > 0) {
      const run = this.runOf(walletId, lane);
      if (run) {
        lane.splice(0, run.postings.length);
        const requeued = await this.appendRun(walletId, run);
        lane.unshift(...requeued);
        continue;
      }
      const w = lane.shift()!;
      try {
        const { entry, inserted } = await this.append(w.p);
        if (inserted) this.afterInsert(entry);
        w.resolve(entry);
      } catch (err) {
        w.reject(err);
      }
    }
    this.lanes.delete(walletId);
  }

  /**
   * The leading postings of the lane (two or more, at most RUN_MAX) that can be chained on the head this
   * process remembers without any of them reaching a limit; none when the head is not known. A posting
   * that would reach a limit ends the run: its refusal is decided alone, on a walked head.
   */
  private runOf(walletId: string, lane: Waiting[]): { head: WalletHead; postings: Waiting[]; entries: LedgerEntry[] } | null {
    const head = this.knownHead(walletId);
    if (!head?.running || lane.length < 2) return null;
    const entries: LedgerEntry[] = [];
    let at: WalletHead = head;
    for (const w of lane.slice(0, RUN_MAX)) {
      if (w.p.mayExist) break;
      const entry = entryAfter(w.p, at, at.running);
      if (entry.balance_after < 0 || (w.p.direction === 'CREDIT' && entry.balance_after > this.config.maxBalance)) break;
      entries.push(entry);
      at = headOf(entry);
    }
    return entries.length >= 2 ? { head, postings: lane.slice(0, entries.length), entries } : null;
  }

  /**
   * Inserts a run of consecutive slots in one ordered round trip. An ordered insert stops at the first
   * document it cannot insert, so no entry ever lands chained to one that did not: the entries before
   * it are answered, it and the ones after it go back to the lane (marked as possibly applied) and take
   * the one-at-a-time path, which resolves a taken slot, an existing operation or an error as usual. If
   * the round trip fails as a whole, nothing is known: all go back, and the head is forgotten.
   */
  private async appendRun(walletId: string, run: { postings: Waiting[]; entries: LedgerEntry[] }): Promise<Waiting[]> {
    let landed: number;
    try {
      landed = await this.repo.insertRun(run.entries);
    } catch {
      landed = 0;
      this.heads.delete(walletId);
    }
    for (let i = 0; i < landed; i++) {
      this.afterInsert(run.entries[i]);
      run.postings[i].resolve(run.entries[i]);
    }
    if (landed > 0) this.heads.set(walletId, headOf(run.entries[landed - 1]));
    return run.postings.slice(landed).map((w) => ({ ...w, p: { ...w.p, mayExist: true } }));
  }

  /** The wallet's current balance (the head of its chain). */
  async balanceOf(walletId: string): Promise<WalletHead> {
    return this.head(walletId);
  }

  /**
   * A lower bound of the wallet's head, without walking the chain: this process's last head, else
   * the stored hint (one `_id` read), else the empty wallet. Entries are never removed, so the real
   * head is at this seq or beyond.
   */
  async headHint(walletId: string): Promise<WalletHead> {
    return this.heads.get(walletId) ?? (await this.repo.readHeadHint(walletId)) ?? { seq: 0, balance: 0, running: NO_TOTALS };
  }

  findEntry(entryId: string): Promise<LedgerEntry | null> {
    return this.repo.findEntry(entryId);
  }

  findByOp(opId: string): Promise<LedgerEntry | null> {
    return this.repo.findEntryByOp(opId);
  }

  /** Sets an entry's status (skipped when the entry read already has it). */
  setStatus(entry: Pick<LedgerEntry, '_id'> & { status?: EntryStatus }, status: EntryStatus): Promise<void> {
    return entry.status === status ? Promise.resolve() : this.repo.setEntryStatus(entry._id, status);
  }

  /**
   * Claims the next slot of the wallet for the posting. Every limit (no balance below zero, none above
   * `MAX_BALANCE`, for every credit: top-ups, transfer credits and refunds alike) is decided on the head
   * that this very insert chains to, so concurrent writers can never pass a limit together.
   *
   * A database error on the insert leaves its fate unknown (it may have landed before the connection
   * dropped): the posting then keeps trying the same operation, whose `op_id` lets it land at most once,
   * until the database answers or `UNCERTAIN_WRITE_RESOLVE_MS` runs out. An error before any insert
   * was sent moved nothing and is thrown at once.
   */
  private async append(p: Posting): Promise<{ entry: LedgerEntry; inserted: boolean }> {
    let uncertainSince = 0;
    let mayExist = p.mayExist === true;
    // The first attempt trusts this process's last head without reading the database, and so does the
    // attempt right after a first slot conflict (the slot just read is then the last head known: the
    // chain usually moved by one). A second conflict in a row means it moved further: walk it.
    let trustKnownHead = true;
    let conflicts = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        const outcome = await this.tryAppend(p, trustKnownHead, mayExist);
        if (outcome === 'SLOT_TAKEN') {
          trustKnownHead = ++conflicts === 1;
        } else if (outcome) {
          return outcome;
        } else {
          trustKnownHead = false;
        }
      } catch (err) {
        trustKnownHead = false;
        if (dependencyOf(err) !== 'database' || (!(err as { uncertainWrite?: boolean }).uncertainWrite && !uncertainSince)) throw err;
        // The insert may have landed: from now on every refusal first looks for the operation.
        mayExist = true;
        uncertainSince ||= Date.now();
        this.heads.delete(p.walletId);
        if (Date.now() - uncertainSince > UNCERTAIN_WRITE_RESOLVE_MS) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 150));
        continue;
      }
      if (attempt > 2) await new Promise((r) => setTimeout(r, Math.random() * Math.min(attempt, 20)));
    }
    throw new LedgerBusyError();
  }

  /**
   * One try at the next slot: the entry (inserted or found); `SLOT_TAKEN` when another writer took the
   * slot (remembered as the head, so the next try goes straight for the slot after it); null when the
   * head must be walked first (a refusal is never decided on a remembered head).
   */
  private async tryAppend(p: Posting, trustKnownHead: boolean, mayExist: boolean): Promise<{ entry: LedgerEntry; inserted: boolean } | 'SLOT_TAKEN' | null> {
    // A remembered head saves reading the chain: if the chain has moved on since, slot seq+1 is taken,
    // the insert fails and the next try starts from what is in that slot.
    const cached = trustKnownHead ? this.knownHead(p.walletId) : undefined;
    const head = cached ?? (await this.head(p.walletId));
    const after = p.direction === 'DEBIT' ? head.balance - p.amount : head.balance + p.amount;
    if (after < 0 || (p.direction === 'CREDIT' && after > this.config.maxBalance)) {
      // A refusal is only ever decided on the real head, never on a remembered one.
      if (cached) return null;
      // Before refusing, make sure this is not a retry of an operation that already went through.
      const existing = mayExist ? await this.repo.findEntryByOp(p.opId) : null;
      if (existing) return { entry: existing, inserted: false };
      throw after < 0 ? new BalanceNotEnoughError() : new BalanceLimitExceededError(this.config.maxBalance);
    }
    const entry = entryAfter(p, head, await this.runningOf(p.walletId, head));
    let inserted: boolean;
    try {
      inserted = await this.repo.insertEntry(entry);
    } catch (err) {
      throw notSent(err) ? err : Object.assign(err as object, { uncertainWrite: true });
    }
    if (inserted) {
      this.heads.set(p.walletId, headOf(entry));
      return { entry, inserted: true };
    }
    // Either the slot was taken (another writer got there first) or the operation exists already.
    const slot = await this.repo.findEntry(entry._id);
    if (slot && slot.op_id === p.opId) return { entry: slot, inserted: false };
    if (!slot) {
      const existing = await this.repo.findEntryByOp(p.opId);
      if (existing) return { entry: existing, inserted: false };
      return null;
    }
    // Another writer's entry: the chain reaches at least that far.
    this.heads.set(p.walletId, headOf(slot));
    return 'SLOT_TAKEN';
  }

  /**
   * What follows an insert, off the request: the doorbell of live events, and every HINT_INTERVAL-th
   * entry the stored head hint. Neither is awaited; the entry is written and is the truth.
   */
  private afterInsert(entry: LedgerEntry): void {
    const running = totalsOf(entry.running);
    this.doorbell?.ring(entry.wallet_id, { ledger: { seq: entry.seq, balance: entry.balance_after, ...(running ? { running: totalsNumbers(running) } : {}) } });
    this.produced?.inc({ kind: entry.entry_type });
    if (entry.seq % HINT_INTERVAL !== 0) return;
    this.repo.advanceHeadHint(entry.wallet_id, headOf(entry), entry.created_at).catch((err: Error) => {
      this.logger.warn(`head hint of ${entry.wallet_id} not advanced to ${entry.seq}: ${err.message}`);
    });
  }

  /**
   * The furthest head this process can chain on without walking: the last head it saw, or a later one
   * another process announced on the doorbell (signed: only this service's processes can announce). Only
   * a starting point: the chain may have moved on since, which the insert finds out (its slot is taken).
   */
  private knownHead(walletId: string): WalletHead | undefined {
    const cached = this.heads.get(walletId);
    const slot = this.announced.beyond(walletId, cached?.seq ?? 0);
    if (slot?.balance === undefined) return cached;
    const running = totalsOf(slot.running);
    const head: WalletHead = { seq: slot.seq, balance: slot.balance, ...(running ? { running } : {}) };
    this.heads.set(walletId, head);
    return head;
  }

  /**
   * Finds the real head of the chain from the best known lower bound (this process's last head or the
   * stored hint). Slots are claimed in order and never removed, so the chain has no gaps: `lastSlot`
   * gallops and bisects with `_id` reads, one past a head that is still current, O(log n) when it is n
   * entries behind.
   */
  private async head(walletId: string): Promise<WalletHead> {
    const known = this.knownHead(walletId) ?? (await this.headHint(walletId));
    const last = await lastSlot<WalletHead>({ n: known.seq, value: known }, async (seq) => {
      const entry = await this.repo.findEntry(entryId(walletId, seq));
      return entry ? headOf(entry) : null;
    });
    const head = last.value ?? known;
    this.heads.set(walletId, head);
    return head;
  }

  /**
   * The running totals of the head entry, which the next entry adds to: known with the head, else read
   * from the entry (one `_id` read; its totals may be missing too, on a chain written before them).
   */
  private async runningOf(walletId: string, head: WalletHead): Promise<RunningTotals | undefined> {
    if (head.running || head.seq === 0) return head.running ?? NO_TOTALS;
    const entry = await this.repo.findEntry(entryId(walletId, head.seq));
    return entry?.seq === head.seq && entry.balance_after === head.balance ? totalsOf(entry.running) : undefined;
  }
}

/** The entry a posting makes when it is chained right after `head` (whose running totals are `before`, when known). */
export function entryAfter(p: Posting, head: WalletHead, before: RunningTotals | undefined, createdAt = new Date()): LedgerEntry {
  const seq = head.seq + 1;
  const entry: LedgerEntry = {
    _id: entryId(p.walletId, seq),
    wallet_id: p.walletId,
    seq,
    page_key: pageKeyOf(p.walletId, seq),
    op_id: p.opId,
    entry_type: p.entryType,
    transaction_type: p.direction,
    amount: p.amount,
    balance_before: head.balance,
    balance_after: p.direction === 'DEBIT' ? head.balance - p.amount : head.balance + p.amount,
    remarks: p.remarks ?? '',
    ref_id: p.refId,
    counterparty_id: p.counterpartyId ?? null,
    status: p.status ?? 'SUCCESS',
    created_at: createdAt,
  };
  if (before) entry.running = storedTotals(runningAfter(before, entry));
  return entry;
}

/** The head a stored entry makes (its seq, balance and running totals). */
function headOf(entry: Pick<LedgerEntry, 'seq' | 'balance_after' | 'running'>): WalletHead {
  const running = totalsOf(entry.running);
  return { seq: entry.seq, balance: entry.balance_after, ...(running ? { running } : {}) };
}

/**
 * True for errors raised before a write could have been applied: no server selected, not connected, or
 * FerretDB unable to reach its PostgreSQL at all (`failed to connect`, `the database system is starting up`).
 */
function notSent(err: unknown): boolean {
  const { name = '', message = '' } = (err ?? {}) as { name?: string; message?: string };
  return (
    /ServerSelectionError$|^MongoNotConnectedError$/.test(name) ||
    /buffering timed out|Client must be connected|failed to connect to `|\(SQLSTATE 57P03\)/i.test(message)
  );
}
