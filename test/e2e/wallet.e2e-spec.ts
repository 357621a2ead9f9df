import { MongoClient } from 'mongodb';
import { LedgerEntry } from '../../src/modules/wallet/domain/ledger-entry';
import { verifyLedger } from '../../src/modules/reconciliation';
import { itInProcess, itWithDatabase } from '../support/modes';
import { createTestApp, TestApp, testDatabaseName } from '../support/test-app';
import { adminAuth, newUser, TestUser } from '../support/users';
import { balanceOf } from '../support/wallet';

const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('wallet: top-up and payment', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'wallet' });
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) {
      const report = await verifyLedger(t.db, { maxBalance: t.config.maxBalance });
      expect(report.problems).toEqual([]);
    }
    await t.close();
  });

  const topUp = (u: TestUser, amount: unknown, key?: string) => {
    const req = t.http().post('/topup').set(u.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send({ amount });
  };
  const pay = (u: TestUser, amount: unknown, remarks = 'Pulsa', key?: string) => {
    const req = t.http().post('/pay').set(u.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send({ amount, remarks });
  };
  const balance = (u: TestUser) => balanceOf(t, u);
  const entriesOf = (u: TestUser) => t.db.collection<LedgerEntry>('ledger_entries').find({ wallet_id: u.userId }).sort({ seq: 1 }).toArray();

  function expectChain(entries: LedgerEntry[]) {
    entries.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.balance_before).toBe(i === 0 ? 0 : entries[i - 1].balance_after);
      expect(e.balance_after).toBe(e.transaction_type === 'CREDIT' ? e.balance_before + e.amount : e.balance_before - e.amount);
      expect(e.balance_after).toBeGreaterThanOrEqual(0);
    });
  }

  it("keeps the brief's numbers: top up 500000, pay 100000, balance 400000", async () => {
    const u = await newUser(t);
    const up = await topUp(u, 500000).expect(201);
    expect(up.body.status).toBe('SUCCESS');
    expect(Object.keys(up.body.result)).toEqual(['top_up_id', 'amount_top_up', 'balance_before', 'balance_after', 'created_date']);
    expect(up.body.result).toMatchObject({ amount_top_up: 500000, balance_before: 0, balance_after: 500000 });
    expect(up.body.result.top_up_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(up.body.result.created_date).toMatch(DATE);

    const paid = await pay(u, 100000, 'Pulsa Telkomsel 100k').expect(201);
    expect(Object.keys(paid.body.result)).toEqual(['payment_id', 'amount', 'remarks', 'balance_before', 'balance_after', 'created_date']);
    expect(paid.body.result).toMatchObject({ amount: 100000, remarks: 'Pulsa Telkomsel 100k', balance_before: 500000, balance_after: 400000 });
    expect(await balance(u)).toBe(400000);
  });

  itWithDatabase('refuses a payment above the balance with 422 and moves nothing', async () => {
    const u = await newUser(t);
    await topUp(u, 1000).expect(201);
    const res = await pay(u, 1001).expect(422);
    expect(res.body).toEqual({ message: 'Balance is not enough', code: 'BALANCE_NOT_ENOUGH' });
    expect(await balance(u)).toBe(1000);
    expect(await entriesOf(u)).toHaveLength(1);
  });

  itWithDatabase('60 concurrent payments of 10000 on 500000: exactly 50 succeed, 10 get 422, balance 0', async () => {
    const u = await newUser(t);
    await topUp(u, 500000).expect(201);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => pay(u, 10000, `p${i}`)));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(ok).toHaveLength(50);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.body.message).toBe('Balance is not enough');
    expect(new Set(ok.map((r) => r.body.result.balance_after)).size).toBe(50);
    expect(await balance(u)).toBe(0);
    const entries = await entriesOf(u);
    expect(entries).toHaveLength(51);
    expectChain(entries);
  });

  itWithDatabase('concurrent top-ups and payments on one wallet keep the chain intact', async () => {
    const u = await newUser(t);
    await topUp(u, 50000).expect(201);
    const ops = Array.from({ length: 40 }, (_, i) => (i % 2 ? topUp(u, 7000 + i) : pay(u, 9000 + i)));
    const results = await Promise.all(ops);
    expect(results.every((r) => r.status === 201 || r.status === 422)).toBe(true);
    const entries = await entriesOf(u);
    expectChain(entries);
    expect(await balance(u)).toBe(entries[entries.length - 1].balance_after);
    expect(entries).toHaveLength(1 + results.filter((r) => r.status === 201).length);
  });

  it('replays an Idempotency-Key retry without moving money again, and 409s a different body', async () => {
    const u = await newUser(t);
    const first = await topUp(u, 25000, 'topup-key-1').expect(201);
    const again = await topUp(u, 25000, 'topup-key-1').expect(201);
    expect(again.body).toEqual(first.body);
    const conflict = await topUp(u, 26000, 'topup-key-1').expect(409);
    expect(conflict.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const paid = await pay(u, 5000, 'x', 'pay-key-1').expect(201);
    expect((await pay(u, 5000, 'x', 'pay-key-1').expect(201)).body).toEqual(paid.body);
    await pay(u, 5000, 'other remarks', 'pay-key-1').expect(409);
    expect(await balance(u)).toBe(20000);
    // Keys are scoped per user and per route.
    const other = await newUser(t);
    await topUp(other, 1000, 'topup-key-1').expect(201);
    await pay(u, 1000, 'x', 'topup-key-1').expect(201);
    expect(await balance(u)).toBe(19000);
  });

  itWithDatabase('a concurrent burst with one Idempotency-Key moves money exactly once', async () => {
    const u = await newUser(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => topUp(u, 12345, 'burst-key')));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.result.top_up_id)).size).toBe(1);
    expect(await balance(u)).toBe(12345);
    expect(await entriesOf(u)).toHaveLength(1);
    await pay(u, 12345, 'all', 'burst-pay').expect(201);
    const pays = await Promise.all(Array.from({ length: 10 }, () => pay(u, 12345, 'all', 'burst-pay')));
    expect(pays.every((r) => r.status === 201 && r.body.result.balance_after === 0)).toBe(true);
    expect(await entriesOf(u)).toHaveLength(2);
  });

  itWithDatabase('converges on retry after a crash between the ledger write and the bookkeeping', async () => {
    const u = await newUser(t);
    await topUp(u, 100000).expect(201);
    const first = await pay(u, 40000, 'crash', 'crash-key').expect(201);
    // Simulate a crash right after the entry was inserted: no stored answer, stale hint.
    await t.db.collection('idempotency_keys').updateOne({ _id: `${u.userId}:pay:crash-key` } as never, { $set: { response: null } });
    await t.db.collection('wallets').updateOne({ _id: u.userId } as never, { $set: { seq: 1, balance: 100000 }, $unset: { running: '' } });
    const fresh = await createTestApp({ label: 'walletcrash', env: { MONGODB_DB: t.config.mongodbDb, REDIS_PREFIX: t.config.redisPrefix } });
    try {
      const retry = await fresh.http().post('/pay').set(u.auth).set('Idempotency-Key', 'crash-key').send({ amount: 40000, remarks: 'crash' }).expect(201);
      expect(retry.body.result).toEqual(first.body.result);
    } finally {
      await fresh.close({ keepDatabase: true });
    }
    expect(await entriesOf(u)).toHaveLength(2);
    expect(await balance(u)).toBe(60000);
  });

  itWithDatabase('converges on retry after a crash between claiming the key and writing the entry', async () => {
    const u = await newUser(t);
    await topUp(u, 5000).expect(201);
    const now = new Date();
    await t.db.collection('idempotency_keys').insertOne({
      _id: `${u.userId}:topup:half-done`,
      user_id: u.userId,
      scope: 'topup',
      request_hash: require('node:crypto').createHash('sha256').update('{"amount":700}').digest('hex'),
      op_id: '01930000-0000-7000-8000-000000000001',
      response: null,
      created_at: now,
      expires_at: new Date(now.getTime() + 3600_000),
    } as never);
    const res = await topUp(u, 700, 'half-done').expect(201);
    expect(res.body.result).toMatchObject({ top_up_id: '01930000-0000-7000-8000-000000000001', balance_before: 5000, balance_after: 5700 });
    await topUp(u, 700, 'half-done').expect(201);
    expect(await balance(u)).toBe(5700);
  });

  itInProcess.each('database', [
    ['zero', 0],
    ['negative', -100],
    ['fraction', 10.5],
    ['string', '1000'],
    ['null', null],
    ['huge', 1e21],
    ['above the per-transaction maximum', 10_000_001],
  ])('refuses a %s amount with 400 and moves nothing', async (_name, amount) => {
    const u = await newUser(t);
    const res = await topUp(u, amount).expect(400);
    expect(res.body.message).toMatch(/amount/);
    expect(res.body.errors.amount).toBeDefined();
    await pay(u, amount).expect(400);
    expect(await entriesOf(u)).toHaveLength(0);
  });

  it('refuses unknown fields, a missing amount and control characters in remarks with 400', async () => {
    const u = await newUser(t);
    const unknown = await t.http().post('/topup').set(u.auth).send({ amount: 100, bonus: 5 }).expect(400);
    expect(unknown.body.errors.bonus).toEqual(['bonus is not an accepted field']);
    await t.http().post('/topup').set(u.auth).send({}).expect(400);
    await t.http().post('/pay').set(u.auth).send({ amount: 100 }).expect(400);
    await topUp(u, 1000).expect(201);
    const nul = await t.http().post('/pay').set(u.auth).send({ amount: 100, remarks: 'nasi\u0000goreng' }).expect(400);
    expect(nul.body.errors.remarks).toEqual(['remarks must not contain control characters other than tab and line breaks']);
    await t.http().post('/pay').set(u.auth).send({ amount: 100, remarks: 'C1 \u009d control' }).expect(400);
    expect(await balance(u)).toBe(1000);
    await t.http().post('/pay').set(u.auth).send({ amount: 100, remarks: 'two\nlines\tand a tab' }).expect(201);
    expect(await balance(u)).toBe(900);
    await t.http().post('/topup').set(u.auth).set('Idempotency-Key', 'bad key with spaces').send({ amount: 100 }).expect(400);
  });

  it('refuses credits above the maximum balance with 422', async () => {
    const u = await newUser(t);
    for (let i = 0; i < 10; i++) await topUp(u, 10_000_000).expect(201);
    const res = await topUp(u, 1).expect(422);
    expect(res.body.code).toBe('BALANCE_LIMIT_EXCEEDED');
    expect(await balance(u)).toBe(100_000_000);
  });

  it('a frozen wallet refuses top-ups and payments with 422 from the moment the freeze is answered, and pays again once unfrozen', async () => {
    const u = await newUser(t);
    const admin = await adminAuth(t);
    await topUp(u, 1000).expect(201);
    // The session check has cached the user's state (not frozen) by now: the freeze must reach it.
    await pay(u, 100).expect(201);
    await t.http().post(`/users/${u.userId}/freeze`).set(admin).expect(200);
    expect((await topUp(u, 1000).expect(422)).body.code).toBe('WALLET_FROZEN');
    expect((await pay(u, 500).expect(422)).body.code).toBe('WALLET_FROZEN');
    expect(await balance(u)).toBe(900);
    await t.http().post(`/users/${u.userId}/unfreeze`).set(admin).expect(200);
    await pay(u, 500).expect(201);
    expect(await balance(u)).toBe(400);
  });

  it('requires authentication', async () => {
    const res = await t.http().post('/topup').send({ amount: 1000 }).expect(401);
    expect(res.body.message).toBe('Unauthenticated');
  });

  itWithDatabase('the verifier fails on a deliberately corrupted copy of the ledger', async () => {
    const u = await newUser(t);
    await topUp(u, 3000).expect(201);
    await pay(u, 1000).expect(201);
    const copyName = testDatabaseName('corrupt');
    const client = await MongoClient.connect(process.env.MONGODB_URI!);
    try {
      const copy = client.db(copyName);
      for (const name of ['ledger_entries', 'wallets', 'transfers', 'transfer_outcomes']) {
        const docs = await t.db.collection(name).find({}).toArray();
        if (docs.length) await copy.collection(name).insertMany(docs);
      }
      expect((await verifyLedger(copy)).problems).toEqual([]);
      await copy.collection('ledger_entries').updateOne({ wallet_id: u.userId, seq: 2 }, { $set: { balance_after: 2500 } });
      const report = await verifyLedger(copy);
      expect(report.problems.length).toBeGreaterThan(0);
      expect(report.problems.join('\n')).toMatch(/balance_after 2500 != 2000/);
      await copy.dropDatabase();
    } finally {
      await client.close();
    }
  });
});
