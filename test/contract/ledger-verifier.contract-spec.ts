import type { Collection, Db } from 'mongodb';
import { newId } from '../../src/common/util/ids';
import { verifyLedger } from '../../src/modules/reconciliation';
import { transferSucceededKey } from '../../src/modules/status-events';
import { TRANSFER_OUTCOMES_COLLECTION } from '../../src/modules/transfers';
import { LEDGER_ENTRIES_COLLECTION, LedgerEntry } from '../../src/modules/wallet';
import { createTestApp, TestApp } from '../support/test-app';
import { buildChain } from '../unit/support/in-memory-ledger.reader';

/**
 * The ledger verifier on the run's real database: a clean ledger has no problem, and an operation
 * applied twice is reported. The unique `op_id` index would refuse the second entry, so this file's own
 * database goes without it: the verifier must not rely on the index it checks.
 */
describe('verifyLedger', () => {
  let t: TestApp;
  let entries: Collection<LedgerEntry>;
  const at = new Date(Date.UTC(2024, 0, 1));

  beforeAll(async () => {
    t = await createTestApp({ label: 'verifier' });
    entries = t.db.collection<LedgerEntry>(LEDGER_ENTRIES_COLLECTION);
    const opIndex = (await entries.indexes()).find((i) => i.unique && Object.keys(i.key).join() === 'op_id');
    if (!opIndex?.name) throw new Error('the ledger has no unique op_id index to drop');
    await entries.dropIndex(opIndex.name);
  });
  afterAll(async () => t?.close());

  it('reports nothing for a clean ledger, then each operation applied twice, with how many times', async () => {
    const a = buildChain(newId(), [
      { type: 'TOP_UP', amount: 5_000, at },
      { type: 'PAYMENT', amount: 1_200, at },
      { type: 'PAYMENT', amount: 300, at },
    ]);
    const b = buildChain(newId(), [{ type: 'TOP_UP', amount: 700, at }]);
    await entries.insertMany([...a, ...b]);
    const clean = await verifyLedger(t.db);
    expect(clean.problems).toEqual([]);
    expect(clean).toMatchObject({ wallets: 2, entries: 4, totalBalance: 3_500 + 700 });

    // A third wallet whose second entry repeats the operation of a's second, and whose third repeats it again.
    const c = buildChain(newId(), [
      { type: 'TOP_UP', amount: 2_000, at },
      { type: 'PAYMENT', amount: 100, at },
      { type: 'PAYMENT', amount: 100, at },
    ]);
    c[1].op_id = a[1].op_id;
    c[2].op_id = a[1].op_id;
    await entries.insertMany(c);
    const twice = await verifyLedger(t.db);
    expect(twice.problems).toEqual([`operation ${a[1].op_id} applied 3 times`]);
    expect(twice).toMatchObject({ wallets: 3, entries: 7 });
  });

  it('reports a transfer whose success event exists without its credit', async () => {
    const sender = newId();
    const id = newId();
    const [debit] = buildChain(sender, [{ type: 'TOP_UP', amount: 1_000, at }, { type: 'TRANSFER_OUT', amount: 400, at, counterpartyId: 'r', status: 'PENDING' }]).slice(1);
    const before = await verifyLedger(t.db);
    await entries.insertOne({ ...buildChain(sender, [{ type: 'TOP_UP', amount: 1_000, at }])[0] });
    await entries.insertOne({ ...debit, ref_id: id, op_id: `TRANSFER:${id}:DEBIT` });
    await t.db.collection('transfers').insertOne({ _id: id, sender_id: sender, receiver_id: 'r', amount: 400, remarks: '', status: 'PENDING', debit_entry_id: debit._id, created_at: at, updated_at: at } as never);
    expect((await verifyLedger(t.db)).problems).toEqual(before.problems);
    await t.db.collection('status_events').insertOne({ _id: `${sender}:000000000001`, user_id: sender, n: 1, key: transferSucceededKey(id), type: 'transfer.succeeded', after_seq: 2, page_key: debit.page_key, created_at: at, data: {} } as never);
    expect((await verifyLedger(t.db)).problems).toEqual([...before.problems, `transfer ${id}: success event without a credit`]);
  });

  it('reports nothing of a transfer that settles while it reads (its credit, then its success event, written meanwhile)', async () => {
    const sender = newId();
    const receiver = newId();
    const id = newId();
    const [top, debit] = buildChain(sender, [{ type: 'TOP_UP', amount: 1_000, at }, { type: 'TRANSFER_OUT', amount: 400, at, counterpartyId: receiver, status: 'PENDING' }]);
    await entries.insertMany([top, { ...debit, ref_id: id, op_id: `TRANSFER:${id}:DEBIT` }]);
    await t.db.collection('transfers').insertOne({ _id: id, sender_id: sender, receiver_id: receiver, amount: 400, remarks: '', status: 'PENDING', debit_entry_id: debit._id, created_at: at, updated_at: at } as never);
    const before = await verifyLedger(t.db);
    // The worker settles the transfer after the verifier has read the entries and before it reads the
    // transfers' outcomes: the credit lands first, then the success event, as the service writes them.
    const [credit] = buildChain(receiver, [{ type: 'TRANSFER_IN', amount: 400, at, counterpartyId: sender }]);
    const settle = async () => {
      await entries.insertOne({ ...credit, ref_id: id, op_id: `TRANSFER:${id}:CREDIT` });
      await t.db.collection('status_events').insertOne({ _id: `${sender}:000000000001`, user_id: sender, n: 1, key: transferSucceededKey(id), type: 'transfer.succeeded', after_seq: 2, page_key: debit.page_key, created_at: at } as never);
    };
    const settlingMeanwhile = new Proxy(t.db, {
      get: (db, key) =>
        key === 'collection'
          ? (name: string) => {
              const collection = db.collection(name);
              if (name !== TRANSFER_OUTCOMES_COLLECTION) return collection;
              return { find: (...args: Parameters<typeof collection.find>) => ({ async *[Symbol.asyncIterator]() { await settle(); yield* collection.find(...args); } }) };
            }
          : Reflect.get(db, key, db),
    }) as Db;
    expect((await verifyLedger(settlingMeanwhile)).problems).toEqual(before.problems);
    expect((await verifyLedger(t.db)).problems).toEqual(before.problems);
  });
});
