import type { Collection } from 'mongodb';
import type { ReportedEntry } from '../../src/modules/reports/domain/report-row';
import { FerretDbLedgerReader, NEW_SLOT_READS } from '../../src/modules/reports/persistence/ferretdb-ledger.reader';
import { EMPTY_HEAD, headAt, LedgerReader, matches, SeqRange, Selection, streamedEntry } from '../../src/modules/reports/persistence/ledger-reader';
import { LEDGER_ENTRIES, servedByFerretDb } from '../../src/modules/reports/persistence/ledger-reader.provider';
import { MongoLedgerReader } from '../../src/modules/reports/persistence/mongo-ledger.reader';
import { addTo, zeroTotals } from '../../src/modules/reports/persistence/range-summary';
import { newId } from '../../src/common/util/ids';
import { entryId, LedgerEntry, RunningTotals, storedTotals, totalsOf } from '../../src/modules/wallet/domain/ledger-entry';
import { LedgerRepository } from '../../src/modules/wallet/persistence/ledger.repository';
import { StatusEventLog, transferSucceededKey } from '../../src/modules/status-events';
import type { TransferSuccesses } from '../../src/modules/reports/persistence/ledger-reader';
import { createTestApp, TestApp } from '../support/test-app';
import { buildChain, ChainItem } from '../unit/support/in-memory-ledger.reader';

/**
 * The contract of the `LedgerReader` port, run against both adapters on the database the suite runs
 * on (FerretDB locally and in CI: `MongoLedgerReader` uses only standard queries, so it runs there
 * too, slowly). Every answer is checked against the chain as it was written, read in the process.
 */
const HOUR = 3600_000;
const START = Date.UTC(2024, 0, 1);
const OPEN = { from: null, toExclusive: null };

/** Every kind of movement, hourly, with a pending and a failed transfer debit among them. */
function items(n: number, from = 0): ChainItem[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const at = new Date(START + i * HOUR);
    if (i === 0) return { type: 'TOP_UP', amount: 10_000_000, at };
    switch (i % 7) {
      case 0:
        return { type: 'TOP_UP', amount: 5000 + i, at };
      case 1:
        return { type: 'TRANSFER_OUT', amount: 100 + i, at, counterpartyId: 'other', status: i % 5 === 0 ? 'FAILED' : 'SUCCESS' };
      case 2:
        return { type: 'TRANSFER_IN', amount: 300 + i, at, counterpartyId: 'other' };
      case 3:
        return { type: 'HOLD', amount: 50, at, status: 'SUCCESS' };
      case 4:
        return { type: 'HOLD_RELEASE', amount: 20, at };
      default:
        return { type: 'PAYMENT', amount: 1000 + i, at, remarks: `#${i + 1}` };
    }
  });
}

const seqs = (list: LedgerEntry[]) => list.map((e) => e.seq);

/** What a range holds, newest first, as the chain says. */
function expected(chain: LedgerEntry[], { lowest, highest }: Omit<SeqRange, 'walletId'>, selection: Selection = { filter: {}, period: OPEN }): LedgerEntry[] {
  return chain.filter((e) => e.seq >= lowest && e.seq <= highest && matches(e, selection)).sort((a, b) => b.seq - a.seq);
}

function expectedTotals(chain: LedgerEntry[], range: Omit<SeqRange, 'walletId'>): RunningTotals {
  const totals = zeroTotals();
  for (const e of expected(chain, range)) addTo(totals, e.entry_type, e.amount);
  return totals;
}

describe('LedgerReader contract', () => {
  let t: TestApp;
  let entries: Collection<LedgerEntry>;

  beforeAll(async () => {
    t = await createTestApp({ label: 'ledgerreader' });
    entries = t.db.collection<LedgerEntry>(LEDGER_ENTRIES);
  });
  afterAll(async () => t?.close());

  /** A fresh wallet with `n` entries and a stale head hint (seq `hint`), as another process left it. */
  async function wallet(n: number, hint = 0): Promise<{ w: string; chain: LedgerEntry[] }> {
    const w = newId();
    const chain = buildChain(w, items(n));
    for (let i = 0; i < chain.length; i += 1000) await entries.insertMany(chain.slice(i, i + 1000).map((e) => ({ ...e })));
    if (hint > 0) await t.db.collection('wallets').insertOne({ _id: w, seq: hint, balance: chain[hint - 1].balance_after, running: chain[hint - 1].running, updated_at: new Date() } as never);
    return { w, chain };
  }

  /** Appends `n` entries to a chain, as another process's ledger would. */
  async function append(w: string, chain: LedgerEntry[], n: number, status?: LedgerEntry['status']): Promise<void> {
    const last = chain[chain.length - 1];
    const more = buildChain(w, items(n, chain.length).map((item) => (status ? { ...item, status } : item)), last.seq + 1, last.balance_after, totalsOf(last.running));
    await entries.insertMany(more.map((e) => ({ ...e })));
    chain.push(...more);
  }

  it('is served on this database by the adapter the module picks from buildInfo', async () => {
    const reader = t.app.get(LedgerReader);
    expect(reader).toBeInstanceOf((await servedByFerretDb(t.db)) ? FerretDbLedgerReader : MongoLedgerReader);
  });

  /** The transfers' successes as the service reads them: the status-event log. */
  const successes = (): TransferSuccesses => t.app.get(StatusEventLog);

  describe.each<[string, () => LedgerReader]>([
    ['MongoLedgerReader', () => new MongoLedgerReader(entries, successes())],
    ['FerretDbLedgerReader', () => new FerretDbLedgerReader(entries, t.app.get(LedgerRepository), successes())],
  ])('%s', (_name, make) => {
    let w: string;
    let chain: LedgerEntry[];
    beforeAll(async () => ({ w, chain } = await wallet(431, 150)));

    it('reads the head, an entry by seq, and nothing for a wallet without entries', async () => {
      const reader = make();
      expect(await reader.head(w)).toEqual(headAt(chain[430]));
      expect(await reader.entryAt(w, 200)).toEqual(chain[199]);
      expect(await reader.entryAt(w, 432)).toBeNull();
      expect(await reader.head('no-such-wallet')).toEqual(EMPTY_HEAD);
      expect(await reader.newest('no-such-wallet', 100)).toEqual([]);
      expect(await reader.newestFirst({ walletId: 'no-such-wallet', lowest: 1, highest: 100 }, { filter: {}, period: OPEN }, 10)).toEqual([]);
    });

    it('reads the newest entries, again and again, from a fresh reader and a warm one', async () => {
      const warm = make();
      for (const count of [0, 1, 30, 100, 101, 431, 1000]) {
        const want = expected(chain, { lowest: 1, highest: 431 }).slice(0, count);
        expect({ count, got: await make().newest(w, count) }).toEqual({ count, got: want });
        for (let i = 0; i < 2; i++) expect({ count, i, got: await warm.newest(w, count) }).toEqual({ count, i, got: want });
      }
    });

    it('reads pages and streams of a range that match a selection, newest first', async () => {
      const reader = make();
      const selections: Selection[] = [
        { filter: {}, period: OPEN },
        { filter: { entryTypes: ['PAYMENT'] }, period: OPEN },
        { filter: { entryTypes: ['TRANSFER_OUT', 'TRANSFER_IN', 'TRANSFER_REFUND'], status: 'SUCCESS' }, period: OPEN },
        { filter: { transactionType: 'CREDIT' }, period: { from: new Date(START + 100 * HOUR), toExclusive: new Date(START + 300 * HOUR) } },
        { filter: { status: 'FAILED' }, period: { from: null, toExclusive: new Date(START + 250 * HOUR + 1) } },
      ];
      const ranges: Array<[number, number]> = [[1, 431], [151, 250], [199, 201], [102, 398], [5, 4]];
      for (const [i, selection] of selections.entries()) {
        for (const [lowest, highest] of ranges) {
          const want = expected(chain, { lowest, highest }, selection);
          for (const limit of [0, 1, 37, 1000]) {
            expect({ i, lowest, highest, limit, got: seqs(await reader.newestFirst({ walletId: w, lowest, highest }, selection, limit)) }).toEqual({ i, lowest, highest, limit, got: seqs(want.slice(0, limit)) });
          }
          const streamed: ReportedEntry[] = [];
          for await (const e of reader.stream({ walletId: w, lowest, highest }, selection)) streamed.push(e);
          expect({ i, lowest, highest, got: streamed }).toEqual({ i, lowest, highest, got: want.map(streamedEntry) });
        }
      }
    });

    it('sums a range from its entries, and summarizes it from running totals, or from its entries when those do not reconcile', async () => {
      const reader = make();
      const head = await reader.head(w);
      const ranges: Array<[number, number]> = [[1, 431], [151, 250], [100, 100], [2, 431], [300, 299], [1, 0], [432, 431]];
      const balanceAfter = (seq: number) => (seq > 0 ? chain[seq - 1].balance_after : 0);
      const summaries = async () => {
        for (const [lowest, highest] of ranges) {
          const range = { walletId: w, lowest, highest };
          const totals = expectedTotals(chain, { lowest, highest });
          expect({ lowest, highest, sum: await reader.sumEntries(range) }).toEqual({ lowest, highest, sum: totals });
          const opening = balanceAfter(Math.min(lowest - 1, head.seq));
          const closing = highest < lowest ? opening : balanceAfter(highest);
          expect({ lowest, highest, summary: await reader.summarize(range, head) }).toEqual({ lowest, highest, summary: { opening, closing, totals } });
        }
      };
      await summaries();
      // Running totals that do not reconcile (a damaged chain): the same answers, from the entries.
      const damaged = chain[149];
      await entries.updateOne({ _id: damaged._id }, { $set: { running: storedTotals({ ...totalsOf(damaged.running)!, credit: totalsOf(damaged.running)!.credit + 1 }) } });
      try {
        await summaries();
      } finally {
        await entries.updateOne({ _id: damaged._id }, { $set: { running: damaged.running } });
      }
    });

    it('sees entries written since it last read, a status that settled, and a chain that moved into the next block', async () => {
      const reader = make();
      const fresh = await wallet(195, 64);
      const newest = async (count: number) => seqs(await reader.newest(fresh.w, count));
      const top = (count: number) => seqs(expected(fresh.chain, { lowest: 1, highest: fresh.chain.length }).slice(0, count));
      expect(await newest(100)).toEqual(top(100));
      await append(fresh.w, fresh.chain, 1);
      expect(await newest(100)).toEqual(top(100));
      await append(fresh.w, fresh.chain, 2, 'PENDING');
      expect(await reader.newest(fresh.w, 3)).toEqual(expected(fresh.chain, { lowest: 1, highest: 198 }).slice(0, 3));
      await entries.updateOne({ _id: entryId(fresh.w, 197) }, { $set: { status: 'SUCCESS' } });
      fresh.chain[196] = { ...fresh.chain[196], status: 'SUCCESS' };
      expect(await reader.newest(fresh.w, 3)).toEqual(expected(fresh.chain, { lowest: 1, highest: 198 }).slice(0, 3));
      await append(fresh.w, fresh.chain, NEW_SLOT_READS + 5); // past the block's end (seq 200) and past what is read slot by slot
      expect(await newest(150)).toEqual(top(150));
      expect(await reader.head(fresh.w)).toEqual(headAt(fresh.chain[fresh.chain.length - 1]));
      await append(fresh.w, fresh.chain, 3);
      expect(await reader.head(fresh.w)).toEqual(headAt(fresh.chain[fresh.chain.length - 1]));
      expect(await newest(1)).toEqual(top(1));
    });

    it("shows a transfer debit stored PENDING as SUCCESS once its success event is recorded, in every read and status filter", async () => {
      const reader = make();
      const log = t.app.get(StatusEventLog);
      const w = newId();
      // 250 entries: transfer debits stored PENDING in three blocks, every other one of them succeeded (its event, on the debit's page).
      const chain = buildChain(w, items(250).map((item) => (item.type === 'TRANSFER_OUT' ? { ...item, status: 'PENDING' as const } : item)));
      await entries.insertMany(chain.map((e) => ({ ...e })));
      const shown = chain.map((e) => ({ ...e }));
      const debits = shown.filter((e) => e.entry_type === 'TRANSFER_OUT');
      expect(debits.length).toBeGreaterThan(20);
      const warm = make();
      expect(seqs(await warm.newest(w, 250))).toEqual(seqs(expected(shown, { lowest: 1, highest: 250 })));
      for (const [i, d] of debits.entries()) {
        if (i % 2) continue;
        const at = new Date(START + (d.seq + 0.5) * HOUR);
        await log.record({ userId: w, key: transferSucceededKey(d.ref_id), type: 'transfer.succeeded', afterSeq: d.seq, pageKey: d.page_key, createdAt: at, data: {} });
        Object.assign(d, { status: 'SUCCESS', status_at: at });
      }
      const all = { filter: {}, period: OPEN };
      const range = { walletId: w, lowest: 1, highest: 250 };
      for (const r of [reader, warm]) {
        expect(await r.newest(w, 250)).toEqual(expected(shown, { lowest: 1, highest: 250 }));
        expect(await r.entryAt(w, debits[0].seq)).toEqual(debits[0]);
        expect(await r.entryAt(w, debits[1].seq)).toEqual(debits[1]);
        for (const selection of [all, { filter: { status: 'SUCCESS' as const }, period: OPEN }, { filter: { status: 'PENDING' as const }, period: OPEN }, { filter: { entryTypes: ['TRANSFER_OUT' as const], status: 'SUCCESS' as const }, period: OPEN }]) {
          const want = expected(shown, range, selection);
          for (const limit of [1, 7, 100, 1000]) expect({ selection, limit, got: await r.newestFirst(range, selection, limit) }).toEqual({ selection, limit, got: want.slice(0, limit) });
          const streamed: ReportedEntry[] = [];
          for await (const e of r.stream(range, selection)) streamed.push(e);
          expect({ selection, got: streamed }).toEqual({ selection, got: want.map(streamedEntry) });
        }
      }
      expect(debits.filter((d) => d.status === 'SUCCESS').length).toBeGreaterThan(10);
      expect(debits.filter((d) => d.status === 'PENDING').length).toBeGreaterThan(10);
    });
  });
});
