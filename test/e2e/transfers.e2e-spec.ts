import { transferSucceededKey } from '../../src/modules/status-events';
import { getQueueToken } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Queue } from 'bull';
import { ExecuteTransferCommand } from '../../src/modules/transfers/commands/execute-transfer/execute-transfer.command';
import { RecoverPendingTransfersCommand } from '../../src/modules/transfers/commands/recover-pending-transfers/recover-pending-transfers.command';
import { debitEntryOf } from '../../src/modules/transfers/domain/transfer-legs';
import type { TransferDocument } from '../../src/modules/transfers/persistence/transfer.schemas';
import { EXECUTE_TRANSFERS_JOB, TRANSFER_QUEUE } from '../../src/modules/transfers/queue/transfer-queue';
import { LedgerEntry } from '../../src/modules/wallet/domain/ledger-entry';
import { verifyLedger } from '../../src/modules/reconciliation';
import { itInProcess, itWithDatabase } from '../support/modes';
import { waitForSettled } from '../support/transfers';
import { createTestApp, TestApp } from '../support/test-app';
import { adminAuth, newUser, TestUser } from '../support/users';
import { balanceOf } from '../support/wallet';

describe('transfers: accepted now, executed in the background', () => {
  let t: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp({ label: 'transfers' });
    if (t.inProcess) queue = t.app.get(getQueueToken(TRANSFER_QUEUE));
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) {
      await queue.resume(true).catch(() => undefined);
      const report = await verifyLedger(t.db, { maxBalance: t.config.maxBalance });
      expect(report.problems).toEqual([]);
    }
    await t.close();
  });

  const balance = (u: TestUser) => balanceOf(t, u);
  const transfer = (from: TestUser, to: string, amount: unknown, remarks = 'Hadiah Ultah', key?: string) => {
    const req = t.http().post('/transfer').set(from.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send({ target_user: to, amount, remarks });
  };
  const settled = (u: TestUser, id: string) => waitForSettled(t, u, id);
  async function funded(amount: number) {
    const u = await newUser(t);
    if (amount) await t.http().post('/topup').set(u.auth).send({ amount }).expect(201);
    return u;
  }

  itWithDatabase('debits the sender at once, answers 202 PENDING, and credits the receiver in the background', async () => {
    const a = await funded(400000);
    const b = await newUser(t);
    const res = await transfer(a, b.userId, 30000).expect(202);
    expect(Object.keys(res.body.result)).toEqual(['transfer_id', 'amount', 'remarks', 'balance_before', 'balance_after', 'created_date', 'status']);
    expect(res.body.result).toMatchObject({ amount: 30000, remarks: 'Hadiah Ultah', balance_before: 400000, balance_after: 370000, status: 'PENDING' });
    const id = res.body.result.transfer_id;
    const done = await settled(a, id);
    expect(done).toMatchObject({ transfer_id: id, status: 'SUCCESS', sender_user_id: a.userId, receiver_user_id: b.userId, failure_reason: null });
    expect((await t.http().get(`/transfers/${id}`).set(b.auth).expect(200)).body.result.status).toBe('SUCCESS');
    expect(await balance(a)).toBe(370000);
    expect(await balance(b)).toBe(30000);
    const credit = await t.db.collection<LedgerEntry>('ledger_entries').findOne({ wallet_id: b.userId, ref_id: id });
    expect(credit).toMatchObject({ entry_type: 'TRANSFER_IN', transaction_type: 'CREDIT', amount: 30000, status: 'SUCCESS' });
    const debit = await t.db.collection<LedgerEntry>('ledger_entries').findOne({ wallet_id: a.userId, ref_id: id });
    // The success is the sender's event (on the debit entry's page): the debit entry is not written again.
    expect(debit).toMatchObject({ entry_type: 'TRANSFER_OUT', status: 'PENDING' });
    expect(debit!.status_at).toBeUndefined();
    expect(await t.db.collection('status_events').findOne({ key: transferSucceededKey(id) })).toMatchObject({ user_id: a.userId, type: 'transfer.succeeded', after_seq: debit!.seq, page_key: debit!.page_key });
    // The sender's report shows it succeeded.
    const rows = (await t.http().get('/transactions').set(a.auth).expect(200)).body.result as Array<Record<string, unknown>>;
    expect(rows.find((r) => r.transfer_id === id)).toMatchObject({ transaction_type: 'DEBIT', status: 'SUCCESS' });
    // The record describes its debit entry exactly (settling and the sender's events need no read of it).
    const record = await t.db.collection<TransferDocument>('transfers').findOne({ _id: id });
    const { running: _running, status_at: _statusAt, ...stored } = debit!;
    expect(debitEntryOf(record!)).toEqual({ ...stored, status: 'PENDING' });
  });

  it('hides a transfer from anyone but its sender and receiver', async () => {
    const a = await funded(1000);
    const b = await newUser(t);
    const c = await newUser(t);
    const id = (await transfer(a, b.userId, 100).expect(202)).body.result.transfer_id;
    await settled(a, id);
    expect((await t.http().get(`/transfers/${id}`).set(c.auth).expect(404)).body.code).toBe('TRANSFER_NOT_FOUND');
    await t.http().get('/transfers/not-a-uuid').set(a.auth).expect(400);
    await t.http().get(`/transfers/${id}`).expect(401);
  });

  itWithDatabase('refuses bad transfers and moves nothing', async () => {
    const a = await funded(5000);
    const b = await newUser(t);
    expect((await transfer(a, a.userId, 100).expect(422)).body.code).toBe('SELF_TRANSFER');
    expect((await transfer(a, '0190a0a0-0000-7000-8000-000000000000', 100).expect(404)).body.code).toBe('TARGET_USER_NOT_FOUND');
    await transfer(a, 'nobody', 100).expect(400);
    await transfer(a, b.userId, 0).expect(400);
    await transfer(a, b.userId, 1.5).expect(400);
    await transfer(a, b.userId, '100').expect(400);
    // NUL and other control characters in remarks (tab and line breaks are fine).
    const nul = await transfer(a, b.userId, 100, 'pCz\u0000$').expect(400);
    expect(nul.body.errors.remarks).toEqual(['remarks must not contain control characters other than tab and line breaks']);
    await transfer(a, b.userId, 100, 'bell\u0007').expect(400);
    const poor = await transfer(a, b.userId, 5001).expect(422);
    expect(poor.body).toEqual({ message: 'Balance is not enough', code: 'BALANCE_NOT_ENOUGH' });
    await t.http().post(`/users/${b.userId}/freeze`).set(await adminAuth(t)).expect(200);
    expect((await transfer(a, b.userId, 100).expect(422)).body.code).toBe('RECEIVER_WALLET_FROZEN');
    expect(await balance(a)).toBe(5000);
    expect(await balance(b)).toBe(0);
  });

  itInProcess('internals', 'fails and refunds exactly once when the receiver is frozen before execution', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    await queue.pause(true);
    const id = (await transfer(a, b.userId, 4000, 'gift').expect(202)).body.result.transfer_id;
    expect(await balance(a)).toBe(6000);
    await t.http().post(`/users/${b.userId}/freeze`).set(await adminAuth(t)).expect(200);
    await queue.resume(true);
    const done = await settled(a, id);
    expect(done).toMatchObject({ status: 'FAILED', failure_reason: 'RECEIVER_WALLET_FROZEN' });
    // A second and a concurrent execution change nothing.
    const bus = t.app.get(CommandBus);
    await Promise.all([bus.execute(new ExecuteTransferCommand(id)), bus.execute(new ExecuteTransferCommand(id))]);
    expect(await balance(a)).toBe(10000);
    expect(await balance(b)).toBe(0);
    const entries = await t.db.collection<LedgerEntry>('ledger_entries').find({ ref_id: id }).sort({ _id: 1 }).toArray();
    expect(entries.map((e) => [e.entry_type, e.transaction_type, e.status])).toEqual([
      ['TRANSFER_OUT', 'DEBIT', 'FAILED'],
      ['TRANSFER_REFUND', 'CREDIT', 'SUCCESS'],
    ]);
  });

  itInProcess('internals', 'runs a transfer exactly once when its job is delivered many times, concurrently', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    await queue.pause(true);
    const id = (await transfer(a, b.userId, 2500).expect(202)).body.result.transfer_id;
    const bus = t.app.get(CommandBus);
    await Promise.all(Array.from({ length: 8 }, () => bus.execute(new ExecuteTransferCommand(id))));
    await queue.resume(true);
    expect((await settled(a, id)).status).toBe('SUCCESS');
    expect(await balance(b)).toBe(2500);
    expect(await t.db.collection('ledger_entries').countDocuments({ ref_id: id })).toBe(2);
  });

  itInProcess('internals', 'recovers a transfer whose job was lost (Redis flushed) through the sweep', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    await queue.pause(true);
    const id = (await transfer(a, b.userId, 1234).expect(202)).body.result.transfer_id;
    const job = await queue.getJob(id);
    await job!.remove();
    expect(await queue.getJob(id)).toBeNull();
    const recovered = await t.app.get(CommandBus).execute(new RecoverPendingTransfersCommand(0));
    expect(recovered.enqueued).toBeGreaterThanOrEqual(1);
    await queue.resume(true);
    expect((await settled(a, id)).status).toBe('SUCCESS');
    expect(await balance(b)).toBe(1234);
  });

  itInProcess('internals', 'the sweep leaves alone transfers waiting in an execute-transfers job, and re-enqueues them once it is lost', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    await queue.pause(true);
    const ids: string[] = [];
    for (const amount of [100, 200, 300]) ids.push((await transfer(a, b.userId, amount).expect(202)).body.result.transfer_id);
    // Their jobs, as one execute-transfers job (what the API adds for transfers accepted in one turn).
    for (const id of ids) await (await queue.getJob(id))?.remove();
    const batch = await queue.add(EXECUTE_TRANSFERS_JOB, { transfers: ids.map((transferId) => ({ transferId })) }, { jobId: `batch-${ids[0]}` });
    const sweep = () => t.app.get(CommandBus).execute(new RecoverPendingTransfersCommand(0));
    expect(await sweep()).toEqual({ examined: 3, enqueued: 0 });
    expect(await Promise.all(ids.map((id) => queue.getJob(id)))).toEqual([null, null, null]);
    // Lost (a Redis flush): the sweep gives each its own job.
    await batch.remove();
    expect(await sweep()).toEqual({ examined: 3, enqueued: 3 });
    await queue.resume(true);
    for (const id of ids) expect((await settled(a, id)).status).toBe('SUCCESS');
    expect(await balance(b)).toBe(600);
  });

  it('honours Idempotency-Key: one transfer, one debit, replayed answer', async () => {
    const a = await funded(10000);
    const b = await newUser(t);
    const results = await Promise.all(Array.from({ length: 6 }, () => transfer(a, b.userId, 3000, 'once', 'transfer-key')));
    expect(results.every((r) => r.status === 202)).toBe(true);
    const ids = new Set(results.map((r) => r.body.result.transfer_id));
    expect(ids.size).toBe(1);
    await settled(a, [...ids][0]);
    await transfer(a, b.userId, 3001, 'once', 'transfer-key').expect(409);
    expect(await balance(a)).toBe(7000);
    expect(await balance(b)).toBe(3000);
  });

  it('transfers in both directions between the same users conserve money', async () => {
    const a = await funded(100000);
    const b = await funded(100000);
    const sends = Array.from({ length: 30 }, (_, i) => (i % 2 ? transfer(a, b.userId, 1000 + i) : transfer(b, a.userId, 2000 + i)));
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 202)).toBe(true);
    for (const r of results) expect((await settled(a, r.body.result.transfer_id)).status).toBe('SUCCESS');
    expect((await balance(a)) + (await balance(b))).toBe(200000);
  });

  it('shows the queue dashboard to admins only', async () => {
    await t.http().get('/admin/queues').expect(401);
    const u = await newUser(t);
    await t.http().get('/admin/queues').set(u.auth).expect(403);
    const admin = await adminAuth(t);
    const page = await t.http().get('/admin/queues').set(admin).expect(200);
    expect(page.text).toContain('<div id="root">');
    const api = await t.http().get('/admin/queues/api/queues').set(admin).expect(200);
    expect(JSON.stringify(api.body)).toContain(TRANSFER_QUEUE);
  });
});
