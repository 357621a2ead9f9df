import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { execFileSync } from 'node:child_process';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { TransfersRepository } from '../../src/modules/transfers/persistence/transfers.repository';
import { TRANSFER_QUEUE } from '../../src/modules/transfers/queue/transfer-queue';
import { LedgerEntry } from '../../src/modules/wallet/domain/ledger-entry';
import { IdempotencyService } from '../../src/modules/idempotency';
import { LedgerService } from '../../src/modules/wallet/ledger/ledger.service';
import { verifyLedger } from '../../src/modules/reconciliation';
import { LedgerRepository } from '../../src/modules/wallet/persistence/ledger.repository';
import { itInProcess } from '../support/modes';
import { waitForSettled } from '../support/transfers';
import { createTestApp, TestApp } from '../support/test-app';
import { adminAuth, newUser, TestUser } from '../support/users';
import { balanceOf } from '../support/wallet';

/**
 * An answer matches its effect: a success means the money moved; an error means nothing moved, or an
 * `Idempotency-Key` replay returns the real outcome. The database faults are injected at the
 * repository boundary of the real service (the database itself stays real), at the exact moments an
 * outage can strike: after a write landed but before its acknowledgement, after the money moved but
 * before the answer's bookkeeping, and before anything was sent.
 */
describe('answers match effects under database and Redis faults', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'effects', env: { ENQUEUE_TIMEOUT_MS: '1000' } });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) expect((await verifyLedger(t.db, { maxBalance: t.config.maxBalance })).problems).toEqual([]);
    await t.close();
  });

  const lostAck = () => new MongoNetworkError('connection 7 to 127.0.0.1:27017 closed');
  const entriesOf = (refId: string) => t.db.collection<LedgerEntry>('ledger_entries').find({ ref_id: refId }).toArray();
  const ledger = () => t.app.get(LedgerRepository);
  /** The next ledger insert lands, then its acknowledgement is lost (the connection drops). */
  function loseNextInsertAck() {
    const repo = ledger();
    const real = repo.insertEntry.bind(repo);
    return jest.spyOn(repo, 'insertEntry').mockImplementationOnce(async (entry) => {
      await real(entry);
      throw lostAck();
    });
  }
  async function funded(amount: number): Promise<TestUser> {
    const u = await newUser(t);
    await t.http().post('/topup').set(u.auth).send({ amount }).expect(201);
    return u;
  }

  it('every success answer is the movement that happened: its balances are those of the wallet, one after the other', async () => {
    const u = await newUser(t);
    const b = await newUser(t);
    let balance = 0;
    for (const [path, body, delta] of [
      ['/topup', { amount: 9000 }, 9000],
      ['/pay', { amount: 2000, remarks: 'kopi' }, -2000],
      ['/transfer', { target_user: b.userId, amount: 3000, remarks: 'gift' }, -3000],
      ['/topup', { amount: 1000 }, 1000],
    ] as const) {
      const res = await t.http().post(path).set(u.auth).send(body);
      expect([201, 202]).toContain(res.status);
      expect(res.body.result).toMatchObject({ balance_before: balance, balance_after: balance + delta });
      balance += delta;
      expect(await balanceOf(t, u)).toBe(balance);
    }
  });

  itInProcess('internals', 'a top-up whose write landed but whose acknowledgement was lost answers 201 with that one entry', async () => {
    const u = await newUser(t);
    const spy = loseNextInsertAck();
    const res = await t.http().post('/topup').set(u.auth).send({ amount: 7000 });
    expect(spy).toHaveBeenCalled();
    expect(res.status).toBe(201);
    expect(res.body.result).toMatchObject({ amount_top_up: 7000, balance_before: 0, balance_after: 7000 });
    expect(await entriesOf(res.body.result.top_up_id)).toHaveLength(1);
    expect(await balanceOf(t, u)).toBe(7000);
  });

  itInProcess('internals', 'a payment whose answer could not be stored for its key answers 201, and the key replays the same payment', async () => {
    const u = await funded(10000);
    const store = jest.spyOn(t.app.get(IdempotencyService) as unknown as { store: () => Promise<void> }, 'store').mockRejectedValueOnce(lostAck());
    const first = await t.http().post('/pay').set(u.auth).set('Idempotency-Key', 'pay-store-fails').send({ amount: 2500, remarks: 'kopi' });
    expect(store).toHaveBeenCalled();
    expect(first.status).toBe(201);
    const again = await t.http().post('/pay').set(u.auth).set('Idempotency-Key', 'pay-store-fails').send({ amount: 2500, remarks: 'kopi' }).expect(201);
    expect(again.body.result).toEqual(first.body.result);
    expect(await entriesOf(first.body.result.payment_id)).toHaveLength(1);
    expect(await balanceOf(t, u)).toBe(7500);
  });

  itInProcess('internals', 'a payment whose write landed but whose acknowledgement was lost answers 201 once, not 503', async () => {
    const u = await funded(10000);
    loseNextInsertAck();
    const res = await t.http().post('/pay').set(u.auth).send({ amount: 4000, remarks: 'makan' });
    expect(res.status).toBe(201);
    expect(res.body.result).toMatchObject({ amount: 4000, balance_before: 10000, balance_after: 6000 });
    expect(await entriesOf(res.body.result.payment_id)).toHaveLength(1);
    expect(await balanceOf(t, u)).toBe(6000);
  });

  itInProcess('internals', 'a transfer answers 202 once its debit is written, even when reading the transfer back fails', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    const transfers = t.app.get(TransfersRepository);
    jest.spyOn(transfers, 'findById').mockRejectedValueOnce(lostAck());
    const res = await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 3000, remarks: 'gift' });
    expect(res.status).toBe(202);
    jest.restoreAllMocks();
    expect((await waitForSettled(t, a, res.body.result.transfer_id)).status).toBe('SUCCESS');
    expect(await balanceOf(t, a)).toBe(7000);
    expect(await balanceOf(t, b)).toBe(3000);
  });

  itInProcess('internals', 'a retry of an accepted transfer answers 202 with that transfer, even once its receiver is deactivated', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    const queue = t.app.get<Queue>(getQueueToken(TRANSFER_QUEUE));
    await queue.pause(true);
    try {
      // The first attempt debits, but its answer is never stored for the key (and its client never hears it).
      jest.spyOn(t.app.get(IdempotencyService) as unknown as { store: () => Promise<void> }, 'store').mockRejectedValueOnce(lostAck());
      const body = { target_user: b.userId, amount: 2500, remarks: 'retry' };
      const first = await t.http().post('/transfer').set(a.auth).set('Idempotency-Key', 'accepted-then-inactive').send(body).expect(202);
      await t.http().delete(`/users/${b.userId}`).set(await adminAuth(t)).expect(200);
      const retry = await t.http().post('/transfer').set(a.auth).set('Idempotency-Key', 'accepted-then-inactive').send(body);
      expect(retry.status).toBe(202);
      expect(retry.body.result).toMatchObject({ transfer_id: first.body.result.transfer_id, balance_before: 10000, balance_after: 7500 });
    } finally {
      await queue.resume(true);
    }
    expect(await waitForSettled(t, a, (await t.db.collection<LedgerEntry>('ledger_entries').findOne({ wallet_id: a.userId, entry_type: 'TRANSFER_OUT' }))!.ref_id)).toMatchObject({
      status: 'FAILED',
      failure_reason: 'RECEIVER_INACTIVE',
    });
    expect(await balanceOf(t, a)).toBe(10000);
  });

  itInProcess('internals', 'a transfer whose debit landed but whose acknowledgement was lost answers 202, and is carried out once', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    loseNextInsertAck();
    const res = await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 2000, remarks: 'ack' });
    expect(res.status).toBe(202);
    expect(res.body.result).toMatchObject({ balance_before: 10000, balance_after: 8000 });
    expect((await waitForSettled(t, a, res.body.result.transfer_id)).status).toBe('SUCCESS');
    expect((await entriesOf(res.body.result.transfer_id)).map((e) => e.entry_type).sort()).toEqual(['TRANSFER_IN', 'TRANSFER_OUT']);
    expect(await balanceOf(t, b)).toBe(2000);
  });

  itInProcess('internals', 'a transfer whose record could not be written after its debit answers 202 and is rebuilt and carried out by the sweep', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    jest.spyOn(t.app.get(TransfersRepository), 'recordPending').mockRejectedValueOnce(lostAck());
    const res = await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 1500, remarks: 'rebuilt' });
    expect(res.status).toBe(202);
    const id = res.body.result.transfer_id;
    // Until its execution rebuilds the record from the debit entry, the transfer is not found.
    for (let i = 0; i < 200 && (await t.http().get(`/transfers/${id}`).set(a.auth)).status === 404; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await waitForSettled(t, a, id, 30_000)).status).toBe('SUCCESS');
    expect(await balanceOf(t, b)).toBe(1500);
  });

  itInProcess('internals', 'an outage before anything was written answers 503 and moves nothing; the key then applies it once', async () => {
    const u = await funded(10000);
    const b = await newUser(t);
    const down = () => new MongoServerSelectionError('Server selection timed out after 30000 ms', { type: 'Unknown', servers: new Map() } as never);
    for (const [path, body] of [
      ['/topup', { amount: 100 }],
      ['/pay', { amount: 100, remarks: 'x' }],
      ['/transfer', { target_user: b.userId, amount: 100, remarks: 'x' }],
    ] as const) {
      jest.spyOn(ledger(), 'insertEntry').mockRejectedValueOnce(down());
      const res = await t.http().post(path).set(u.auth).set('Idempotency-Key', `down${path.slice(1)}`).send(body);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(await balanceOf(t, u)).toBe(10000);
    }
    jest.restoreAllMocks();
    await t.http().post('/topup').set(u.auth).set('Idempotency-Key', 'downtopup').send({ amount: 100 }).expect(201);
    await t.http().post('/pay').set(u.auth).set('Idempotency-Key', 'downpay').send({ amount: 100, remarks: 'x' }).expect(201);
    const tr = await t.http().post('/transfer').set(u.auth).set('Idempotency-Key', 'downtransfer').send({ target_user: b.userId, amount: 100, remarks: 'x' }).expect(202);
    await waitForSettled(t, u, tr.body.result.transfer_id);
    expect(await balanceOf(t, u)).toBe(9900);
    expect(await balanceOf(t, b)).toBe(100);
  });

  itInProcess('internals', 'a request with a key still at work makes a second one with that key wait for its answer, not run alongside it', async () => {
    const cap = t.config.maxBalance;
    const u = await newUser(t);
    for (let left = cap - 500; left > 0; left -= t.config.maxTransactionAmount) {
      await t.http().post('/topup').set(u.auth).send({ amount: Math.min(left, t.config.maxTransactionAmount) }).expect(201);
    }
    // The first top-up is refused (it would pass the cap) but is slow to answer; meanwhile a payment
    // makes room and the same top-up is sent again with the same key.
    const ledgerService = t.app.get(LedgerService);
    const real = ledgerService.post.bind(ledgerService);
    jest.spyOn(ledgerService, 'post').mockImplementationOnce(async (p) => {
      try {
        return await real(p);
      } finally {
        await new Promise((r) => setTimeout(r, 600));
      }
    });
    const first = t.http().post('/topup').set(u.auth).set('Idempotency-Key', 'slow-refusal').send({ amount: 1000 }).then((r) => r);
    await new Promise((r) => setTimeout(r, 200));
    await t.http().post('/pay').set(u.auth).send({ amount: 1000, remarks: 'room' }).expect(201);
    const second = await t.http().post('/topup').set(u.auth).set('Idempotency-Key', 'slow-refusal').send({ amount: 1000 });
    expect((await first).status).toBe(422);
    expect(second.status).toBe(422);
    expect(second.body).toEqual((await first).body);
    expect(await balanceOf(t, u)).toBe(cap - 1500);
  });

  itInProcess('internals', 'answers a transfer within the enqueue bound while Redis is down, and carries it out once Redis is back', async () => {
    const state = process.env.DOMPET_SERVICES_STATE;
    if (!state) throw new Error('DOMPET_SERVICES_STATE is not set: run this suite through `npm test`, which owns the servers.');
    const services = (command: string) => execFileSync('bash', ['scripts/services.sh', command, '--state', state], { stdio: 'pipe', timeout: 30000 });
    const a = await funded(10000);
    const b = await newUser(t);
    services('redis-stop');
    let res;
    try {
      // Before the bound, this request waited for Redis for as long as Redis was down.
      res = await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 1000, remarks: 'offline' }).timeout(20_000);
    } finally {
      services('redis-start');
    }
    expect(res.status).toBe(202);
    expect((await waitForSettled(t, a, res.body.result.transfer_id, 45_000)).status).toBe('SUCCESS');
    expect(await balanceOf(t, b)).toBe(1000);
  }, 90_000);
});
