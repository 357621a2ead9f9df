import { AppConfig } from '../../../config/app-config';
import { LedgerEntry, NO_TOTALS, entryId, pageKeyOf, runningAfter, storedTotals, totalsNumbers, totalsOf } from '../domain/ledger-entry';
import { BalanceNotEnoughError } from '../domain/wallet.errors';
import { LedgerRepository, WalletHead } from '../persistence/ledger.repository';
import { doorbellKey, LedgerDoorbell, Ring, ringMessage, ringsOf, SlotHead } from '../../../infrastructure/ledger-doorbell';
import { HINT_INTERVAL, LedgerService, Posting } from './ledger.service';

/** Lets other pending work run, so concurrent calls interleave between every storage step. */
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The storage as the ledger relies on it, in memory: an insert claims `_id` and `op_id` atomically
 * (both unique) or fails; the head hint is only a hint. Shared by several services = several processes.
 */
class InMemoryLedgerStore {
  readonly entries = new Map<string, LedgerEntry>();
  readonly hints = new Map<string, WalletHead>();
  reads = 0;
  /** Insert round trips, and the length of each run of consecutive slots inserted together. */
  inserts = 0;
  readonly runs: number[] = [];

  /** An insert: claims `_id` and `op_id` (both unique) or fails. */
  put(entry: LedgerEntry): boolean {
    if (this.entries.has(entry._id) || [...this.entries.values()].some((e) => e.op_id === entry.op_id)) return false;
    this.entries.set(entry._id, { ...entry });
    return true;
  }

  repository(): LedgerRepository {
    const store = this;
    return {
      async findEntry(id: string) {
        await yieldNow();
        store.reads++;
        return store.entries.get(id) ?? null;
      },
      async insertEntry(entry: LedgerEntry) {
        await yieldNow();
        store.inserts++;
        return store.put(entry);
      },
      async insertRun(entries: LedgerEntry[]) {
        await yieldNow();
        store.inserts++;
        store.runs.push(entries.length);
        for (let i = 0; i < entries.length; i++) if (!store.put(entries[i])) return i;
        return entries.length;
      },
      async findEntryByOp(opId: string) {
        await yieldNow();
        return [...store.entries.values()].find((e) => e.op_id === opId) ?? null;
      },
      async readHeadHint(walletId: string) {
        return store.hints.get(walletId) ?? null;
      },
      async advanceHeadHint(walletId: string, head: WalletHead) {
        store.hints.set(walletId, head);
      },
      async setEntryStatus() {},
    } as unknown as LedgerRepository;
  }

  chain(walletId: string): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (let seq = 1; this.entries.has(entryId(walletId, seq)); seq++) out.push(this.entries.get(entryId(walletId, seq))!);
    return out;
  }
}

const config = { maxBalance: 1_000_000_000 } as AppConfig;

/**
 * The doorbell's channel in memory: every ring of every process reaches every listener as a signed
 * message, after `delayMs` (so announcements can arrive late, as they do through Redis).
 */
class DoorbellBus {
  readonly key = doorbellKey('the secret of this test deployment, 32+ characters');
  private readonly listeners: Array<(ring: Ring) => void> = [];

  constructor(private readonly delayMs = 0) {}

  /** A process's doorbell on this bus. */
  doorbell(): LedgerDoorbell {
    return {
      ring: (id: string, wrote: { ledger?: SlotHead } = {}) => this.publish(ringMessage([{ id, ...wrote }], this.key)),
      listenRings: (_what: string, onRing: (ring: Ring) => void) => {
        this.listeners.push(onRing);
        return async () => undefined;
      },
    } as unknown as LedgerDoorbell;
  }

  publish(message: string): void {
    setTimeout(() => {
      for (const ring of ringsOf(message, this.key)) for (const l of this.listeners) l(ring);
    }, this.delayMs * Math.random());
  }
}

function processOn(store: InMemoryLedgerStore, bus: DoorbellBus): LedgerService {
  const ledger = new LedgerService(store.repository(), config, bus.doorbell());
  ledger.onModuleInit();
  return ledger;
}

/** Two processes writing one store, ringing one doorbell. */
function twoProcessesOnOneBus() {
  const store = new InMemoryLedgerStore();
  const bus = new DoorbellBus();
  return { store, bus, a: processOn(store, bus), b: processOn(store, bus) };
}

const settleRings = () => new Promise((r) => setTimeout(r, 5));
let n = 0;
const posting = (walletId: string, direction: 'CREDIT' | 'DEBIT', amount: number, opId = `op-${++n}`): Posting => ({
  opId,
  walletId,
  entryType: direction === 'CREDIT' ? 'TOP_UP' : 'PAYMENT',
  direction,
  amount,
  refId: opId,
});

function expectChained(entries: LedgerEntry[]): void {
  entries.forEach((e, i) => {
    expect(e.seq).toBe(i + 1);
    expect(e.page_key).toBe(pageKeyOf(e.wallet_id, e.seq));
    expect(e.balance_before).toBe(i === 0 ? 0 : entries[i - 1].balance_after);
    expect(e.balance_after).toBe(e.balance_before + (e.transaction_type === 'CREDIT' ? e.amount : -e.amount));
    expect(e.balance_after).toBeGreaterThanOrEqual(0);
    expect(totalsOf(e.running)).toEqual(runningAfter(i === 0 ? NO_TOTALS : totalsOf(entries[i - 1].running)!, e));
  });
}

describe('LedgerService', () => {
  it('appends on its remembered head without reading the chain again', async () => {
    const store = new InMemoryLedgerStore();
    const ledger = new LedgerService(store.repository(), config);
    await ledger.post(posting('w', 'CREDIT', 100));
    const readsAfterFirst = store.reads;
    await ledger.post(posting('w', 'DEBIT', 30));
    await ledger.post(posting('w', 'DEBIT', 30));
    expect(store.reads).toBe(readsAfterFirst);
    expectChained(store.chain('w'));
    expect(store.chain('w').map((e) => e.balance_after)).toEqual([100, 70, 40]);
  });

  it('walks forward when another process moved the chain on since it last looked', async () => {
    const store = new InMemoryLedgerStore();
    const a = new LedgerService(store.repository(), config);
    const b = new LedgerService(store.repository(), config);
    await a.post(posting('w', 'CREDIT', 100));
    await b.post(posting('w', 'CREDIT', 1000));
    await b.post(posting('w', 'DEBIT', 50));
    const entry = await a.post(posting('w', 'DEBIT', 10));
    expect(entry).toMatchObject({ seq: 4, balance_before: 1050, balance_after: 1040 });
    expectChained(store.chain('w'));
  });

  it('never refuses on a remembered balance that is out of date', async () => {
    const store = new InMemoryLedgerStore();
    const a = new LedgerService(store.repository(), config);
    const b = new LedgerService(store.repository(), config);
    await a.post(posting('w', 'CREDIT', 100));
    await b.post(posting('w', 'CREDIT', 1000));
    // a remembers 100, the wallet holds 1100.
    const entry = await a.post(posting('w', 'DEBIT', 500));
    expect(entry).toMatchObject({ balance_before: 1100, balance_after: 600 });
  });

  it('refuses a debit that a remembered balance would allow but the real one does not', async () => {
    const store = new InMemoryLedgerStore();
    const a = new LedgerService(store.repository(), config);
    const b = new LedgerService(store.repository(), config);
    await a.post(posting('w', 'CREDIT', 100));
    await b.post(posting('w', 'DEBIT', 100));
    // a remembers 100, the wallet holds 0.
    await expect(a.post(posting('w', 'DEBIT', 50))).rejects.toBeInstanceOf(BalanceNotEnoughError);
    expect(store.chain('w')).toHaveLength(2);
  });

  it('stores the head hint on every HINT_INTERVAL-th entry only, and hands it to readers without walking', async () => {
    const store = new InMemoryLedgerStore();
    const writer = new LedgerService(store.repository(), config);
    const reader = new LedgerService(store.repository(), config);
    expect(await reader.headHint('w')).toEqual({ seq: 0, balance: 0, running: NO_TOTALS });
    for (let i = 0; i < HINT_INTERVAL - 1; i++) await writer.post(posting('w', 'CREDIT', 100));
    await yieldNow();
    expect(store.hints.get('w')).toBeUndefined();
    for (let i = 0; i < 3; i++) await writer.post(posting('w', 'CREDIT', 100));
    await yieldNow();
    store.reads = 0;
    // Another process: the stored hint, no read of the chain.
    expect(await reader.headHint('w')).toMatchObject({ seq: HINT_INTERVAL, balance: HINT_INTERVAL * 100, running: { credit: HINT_INTERVAL * 100, debit: 0 } });
    expect(store.reads).toBe(0);
  });

  it('finds a head far beyond what it knows with a logarithmic number of reads', async () => {
    const store = new InMemoryLedgerStore();
    const writer = new LedgerService(store.repository(), config);
    for (let i = 0; i < 1000; i++) await writer.post(posting('w', 'CREDIT', 1));
    store.hints.clear();
    const cold = new LedgerService(store.repository(), config);
    store.reads = 0;
    expect(await cold.balanceOf('w')).toMatchObject({ seq: 1000, balance: 1000 });
    // Gallop 1, 2, 4, … past 1000 (10 reads) then bisect back (at most 10 more), against 1001 one by one.
    expect(store.reads).toBeLessThanOrEqual(21);
    for (let i = 0; i < 37; i++) await writer.post(posting('w', 'DEBIT', 1));
    store.reads = 0;
    const entry = await cold.post(posting('w', 'DEBIT', 1));
    expect(entry).toMatchObject({ seq: 1038, balance_before: 963, balance_after: 962 });
    expect(store.reads).toBeLessThanOrEqual(15);
    expectChained(store.chain('w'));
  });

  it('resumes running totals on a chain written before them once its head entry has them', async () => {
    const store = new InMemoryLedgerStore();
    const ledger = new LedgerService(store.repository(), config);
    for (let i = 0; i < 3; i++) await ledger.post(posting('w', 'CREDIT', 100));
    // As if written before running totals existed: none on the entries, none on the hint.
    for (const e of store.entries.values()) delete e.running;
    store.hints.set('w', { seq: 3, balance: 300 });
    const later = new LedgerService(store.repository(), config);
    expect((await later.post(posting('w', 'DEBIT', 50))).running).toBeUndefined();
    // The backfill gives the chain its totals (as arrays, the shape of its time); the next entry adds to
    // them and stores its own as a string, even from a head remembered without.
    let running = NO_TOTALS;
    for (const e of store.chain('w')) e.running = totalsNumbers((running = runningAfter(running, e)));
    expect((await later.post(posting('w', 'DEBIT', 20))).running).toBe('300,70,3,2,0,0,0,0,0');
    expectChained(store.chain('w'));
  });

  it('keeps one chain and applies each operation once under concurrent writers in several processes', async () => {
    const store = new InMemoryLedgerStore();
    const processes = [0, 1, 2].map(() => new LedgerService(store.repository(), config));
    await processes[0].post(posting('w', 'CREDIT', 1000));
    const ops = Array.from({ length: 60 }, (_, i) => posting('w', i % 3 === 0 ? 'CREDIT' : 'DEBIT', 40));
    // Every operation is posted twice, by different processes, all at once.
    const results = await Promise.allSettled(ops.flatMap((op, i) => [processes[i % 3].post(op), processes[(i + 1) % 3].post({ ...op, mayExist: true })]));
    const refused = results.filter((r) => r.status === 'rejected');
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(BalanceNotEnoughError);
    const chain = store.chain('w');
    expectChained(chain);
    expect(new Set(chain.map((e) => e.op_id)).size).toBe(chain.length);
    expect(chain.length).toBe(store.entries.size);
  });

  it('claims the consecutive slots of a hot wallet in runs, one round trip for many postings, and stops a run at a limit', async () => {
    const store = new InMemoryLedgerStore();
    const ledger = new LedgerService(store.repository(), config);
    await ledger.post(posting('w', 'CREDIT', 100));
    const inserts = store.inserts;
    // 60 payments of 2 on a balance of 100: exactly 50 pass, whatever the runs.
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => ledger.post(posting('w', 'DEBIT', 2))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(BalanceNotEnoughError);
    expectChained(store.chain('w'));
    expect(store.chain('w').at(-1)!.balance_after).toBe(0);
    expect(Math.max(...store.runs)).toBeGreaterThan(10);
    expect(store.inserts - inserts).toBeLessThan(20);
  });

  it('never lands an entry of a run after one that another process took, and applies each operation once', async () => {
    const store = new InMemoryLedgerStore();
    const processes = [0, 1, 2].map(() => new LedgerService(store.repository(), config));
    for (const p of processes) await p.post(posting('w', 'CREDIT', 1000));
    const ops = Array.from({ length: 90 }, (_, i) => posting('w', i % 4 === 0 ? 'CREDIT' : 'DEBIT', 25));
    // Each process gets a burst at once (runs), two of them with the same operations (replays).
    const results = await Promise.allSettled(ops.flatMap((op, i) => [processes[i % 3].post(op), processes[(i + 1) % 3].post(op)]));
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(BalanceNotEnoughError);
    const chain = store.chain('w');
    expectChained(chain);
    expect(chain.length).toBe(store.entries.size);
    expect(new Set(chain.map((e) => e.op_id)).size).toBe(chain.length);
    expect(store.runs.some((n) => n > 1)).toBe(true);
  });

  it('chains after a head another process announced on the doorbell, without reading the chain', async () => {
    const { store, bus, a, b } = twoProcessesOnOneBus();
    await a.post(posting('w', 'CREDIT', 100));
    await b.post(posting('w', 'DEBIT', 10));
    await a.post(posting('w', 'CREDIT', 5));
    await settleRings();
    const reads = store.reads;
    const inserts = store.inserts;
    expect(await b.post(posting('w', 'DEBIT', 20))).toMatchObject({ seq: 4, balance_before: 95, balance_after: 75 });
    expect(store.reads).toBe(reads);
    expect(store.inserts).toBe(inserts + 1);
    expectChained(store.chain('w'));
  });

  it('ignores an announcement that is not signed by this deployment', async () => {
    const { store, bus, a, b } = twoProcessesOnOneBus();
    await a.post(posting('w', 'CREDIT', 100));
    await settleRings();
    // A head of 1,000,000 at seq 2, published by someone without the key.
    bus.publish(ringMessage([{ id: 'w', ledger: { seq: 2, balance: 1_000_000, running: [1_000_000, 0, 1, 0, 0, 0, 0, 0, 0] } }], doorbellKey('not the secret of this deployment at all')));
    await settleRings();
    await expect(b.post(posting('w', 'DEBIT', 500))).rejects.toBeInstanceOf(BalanceNotEnoughError);
    expect(await b.post(posting('w', 'DEBIT', 60))).toMatchObject({ seq: 2, balance_before: 100, balance_after: 40 });
    expectChained(store.chain('w'));
  });

  it('keeps one chain and applies each operation once when announcements arrive late or out of order', async () => {
    const store = new InMemoryLedgerStore();
    const bus = new DoorbellBus(3);
    const processes = [0, 1, 2].map(() => processOn(store, bus));
    await processes[0].post(posting('w', 'CREDIT', 1000));
    const ops = Array.from({ length: 90 }, (_, i) => posting('w', i % 3 === 0 ? 'CREDIT' : 'DEBIT', 40));
    const results = await Promise.allSettled(ops.flatMap((op, i) => [processes[i % 3].post(op), processes[(i + 1) % 3].post({ ...op, mayExist: true })]));
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(BalanceNotEnoughError);
    const chain = store.chain('w');
    expectChained(chain);
    expect(new Set(chain.map((e) => e.op_id)).size).toBe(chain.length);
    expect(chain.length).toBe(store.entries.size);
  });
});
