import { EntryStatus, LedgerEntry, entryId } from '../../../src/modules/wallet/domain/ledger-entry';
import { BalanceLimitExceededError, BalanceNotEnoughError } from '../../../src/modules/wallet/domain/wallet.errors';
import { entryAfter, type Posting } from '../../../src/modules/wallet/ledger/ledger.service';
import type { TransferLedger } from '../../../src/modules/transfers/ports/transfer.ports';
import { Faults } from './faults';

/** What the database answers for a second insert under a unique key (`E11000 duplicate key error`). */
export class DuplicateKeyError extends Error {
  readonly code = 11000;
  constructor(key: string) {
    super(`E11000 duplicate key error: ${key}`);
    this.name = 'MongoServerError';
  }
}

/**
 * The wallet ledger in memory, with the rules of `LedgerService` over its unique indexes:
 *  - an entry is one insert claiming its slot (`<wallet>:<seq>`) and its `op_id`, both unique: `insert`
 *    of an existing op id fails with a duplicate-key error, and `post` of an operation that exists
 *    returns the entry that exists and moves nothing;
 *  - a debit below 0 is refused (`BalanceNotEnoughError`), a credit above `maxBalance` too
 *    (`BalanceLimitExceededError`), decided on the head the entry chains to; a refused posting with
 *    `mayExist` first looks for its operation, as the real one does;
 *  - frozen wallets are not the ledger's business (neither is it in `LedgerService`): the handlers
 *    refuse them from the user records, see `InMemoryUsers`.
 * Each method call goes through `faults` (`ledger.post`, `ledger.findByOp`, `ledger.findEntry`,
 * `ledger.setStatus`), so a test can lose the acknowledgement of an insert that landed, or crash there.
 */
export class InMemoryLedger implements TransferLedger {
  readonly entries = new Map<string, LedgerEntry>();
  private readonly byOp = new Map<string, string>();

  constructor(
    readonly maxBalance: number,
    readonly faults: Faults,
    private readonly now: () => number = () => Date.now(),
  ) {}

  post(p: Posting): Promise<LedgerEntry> {
    return this.faults.call('ledger.post', [p], () => this.apply(p));
  }

  findByOp(opId: string): Promise<LedgerEntry | null> {
    return this.faults.call('ledger.findByOp', [opId], () => this.copy(this.byOp.get(opId)));
  }

  findEntry(id: string): Promise<LedgerEntry | null> {
    return this.faults.call('ledger.findEntry', [id], () => this.copy(id));
  }

  setStatus(entry: Pick<LedgerEntry, '_id'> & { status?: EntryStatus }, status: EntryStatus): Promise<void> {
    if (entry.status === status) return Promise.resolve();
    return this.faults.call('ledger.setStatus', [entry._id, status], () => {
      const stored = this.entries.get(entry._id);
      if (stored) Object.assign(stored, { status, status_at: new Date(this.now()) });
    });
  }

  /** A top-up or any posting made outside the transfer under test (no faults). */
  seed(walletId: string, amount: number, opId = `TOP_UP:${walletId}:${this.entries.size + 1}`): LedgerEntry {
    return this.apply({ opId, walletId, entryType: 'TOP_UP', direction: 'CREDIT', amount, refId: opId });
  }

  balance(walletId: string): number {
    const chain = this.chain(walletId);
    return chain.length ? chain[chain.length - 1].balance_after : 0;
  }

  chain(walletId: string): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (let seq = 1; this.entries.has(entryId(walletId, seq)); seq++) out.push(this.entries.get(entryId(walletId, seq))!);
    return out;
  }

  wallets(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.wallet_id))];
  }

  entriesOfOp(opIdPrefix: string): LedgerEntry[] {
    return [...this.entries.values()].filter((e) => e.op_id.startsWith(opIdPrefix));
  }

  /** The raw insert: claims the slot and the op id, or fails like a unique index does. */
  insert(entry: LedgerEntry): void {
    if (this.entries.has(entry._id)) throw new DuplicateKeyError(`_id ${entry._id}`);
    if (this.byOp.has(entry.op_id)) throw new DuplicateKeyError(`op_id ${entry.op_id}`);
    this.entries.set(entry._id, { ...entry });
    this.byOp.set(entry.op_id, entry._id);
  }

  /** `LedgerService.post` in one atomic step (there is one writer: this process's event loop). */
  private apply(p: Posting): LedgerEntry {
    const chain = this.chain(p.walletId);
    const head = chain[chain.length - 1];
    const before = head?.balance_after ?? 0;
    const after = p.direction === 'DEBIT' ? before - p.amount : before + p.amount;
    if (after < 0 || (p.direction === 'CREDIT' && after > this.maxBalance)) {
      const existing = p.mayExist ? this.byOp.get(p.opId) : undefined;
      if (existing) return this.copy(existing)!;
      throw after < 0 ? new BalanceNotEnoughError() : new BalanceLimitExceededError(this.maxBalance);
    }
    // The entry the real ledger would chain after this head (no running totals: the reports are not under test here).
    const entry = entryAfter(p, { seq: head?.seq ?? 0, balance: before }, undefined, new Date(this.now()));
    try {
      this.insert(entry);
    } catch (err) {
      // The operation went through already: its insert fails on the unique op id, the entry is returned.
      if (err instanceof DuplicateKeyError && this.byOp.has(p.opId)) return this.copy(this.byOp.get(p.opId))!;
      throw err;
    }
    return { ...entry };
  }

  private copy(id: string | undefined): LedgerEntry | null {
    const e = id === undefined ? undefined : this.entries.get(id);
    return e ? { ...e } : null;
  }
}
