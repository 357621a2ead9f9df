import { getQueueToken } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Queue } from 'bull';
import { MongoClient } from 'mongodb';
import { ExecuteTransferCommand } from '../../src/modules/transfers/commands/execute-transfer/execute-transfer.command';
import { TRANSFER_QUEUE } from '../../src/modules/transfers/queue/transfer-queue';
import { LedgerEntry } from '../../src/modules/wallet/domain/ledger-entry';
import { verifyLedger } from '../../src/modules/reconciliation';
import { itInProcess } from '../support/modes';
import { waitForSettled } from '../support/transfers';
import { createTestApp, TestApp } from '../support/test-app';
import { newUser, TestUser } from '../support/users';
import { balanceOf } from '../support/wallet';

/**
 * The maximum balance holds for every credit, transfers and refunds included, whatever the concurrency:
 * it is decided by the same slot claim that decides `balance_after`, never by a read before it.
 */
describe('money limits: no wallet ever above MAX_BALANCE', () => {
  let t: TestApp;
  let cap: number;
  let maxAmount: number;

  beforeAll(async () => {
    t = await createTestApp({ label: 'limits' });
    cap = t.config.maxBalance;
    maxAmount = t.config.maxTransactionAmount;
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) {
      await t.app.get<Queue>(getQueueToken(TRANSFER_QUEUE)).resume(true).catch(() => undefined);
      expect((await verifyLedger(t.db, { maxBalance: cap })).problems).toEqual([]);
    }
    await t.close();
  });

  const balance = (u: TestUser) => balanceOf(t, u);
  /** Tops `u` up by `amount` in as many top-ups as the per-transaction maximum needs. */
  async function fund(u: TestUser, amount: number) {
    for (let left = amount; left > 0; left -= maxAmount) {
      await t.http().post('/topup').set(u.auth).send({ amount: Math.min(left, maxAmount) }).expect(201);
    }
  }
  const transfer = (from: TestUser, to: TestUser, amount: number) => t.http().post('/transfer').set(from.auth).send({ target_user: to.userId, amount, remarks: 'limit' });

  it('credits only what fits when many transfers reach a receiver near the cap at once; the others are refunded', async () => {
    const amount = Math.floor(maxAmount * 0.9);
    const receiver = await newUser(t);
    const start = cap - amount - Math.floor(amount / 2); // room for exactly one of them
    await fund(receiver, start);
    const senders = await Promise.all(Array.from({ length: 8 }, () => newUser(t)));
    await Promise.all(senders.map((s) => fund(s, amount)));

    const answers = await Promise.all(senders.map((s) => transfer(s, receiver, amount)));
    expect(answers.map((a) => a.status)).toEqual(senders.map(() => 202));
    const done = await Promise.all(answers.map((a, i) => waitForSettled(t, senders[i], a.body.result.transfer_id, 60_000)));

    const credited = done.filter((d) => d.status === 'SUCCESS');
    expect(credited).toHaveLength(1);
    for (const d of done.filter((x) => x.status !== 'SUCCESS')) expect(d).toMatchObject({ status: 'FAILED', failure_reason: 'RECEIVER_BALANCE_LIMIT' });
    expect(await balance(receiver)).toBe(start + amount);
    expect(await balance(receiver)).toBeLessThanOrEqual(cap);
    const senderBalances = await Promise.all(senders.map((s) => balance(s)));
    expect(senderBalances.filter((b) => b === 0)).toHaveLength(1);
    expect(senderBalances.filter((b) => b === amount)).toHaveLength(senders.length - 1);
  });

  itInProcess('internals', "holds a refund that no longer fits in the sender's wallet, and pays it once there is room", async () => {
    const queue = t.app.get<Queue>(getQueueToken(TRANSFER_QUEUE));
    const amount = maxAmount;
    const receiver = await newUser(t);
    await fund(receiver, cap - amount + 1); // the transfer will not fit
    const sender = await newUser(t);
    await fund(sender, amount);

    await queue.pause(true);
    const id = (await transfer(sender, receiver, amount).expect(202)).body.result.transfer_id as string;
    // Meanwhile the sender fills the wallet to the cap.
    await fund(sender, cap);
    expect(await balance(sender)).toBe(cap);
    const bus = t.app.get(CommandBus);
    await expect(bus.execute(new ExecuteTransferCommand(id))).rejects.toThrow(/held/);
    await expect(bus.execute(new ExecuteTransferCommand(id))).rejects.toThrow(/held/);
    expect(await balance(sender)).toBe(cap);
    expect(await balance(receiver)).toBe(cap - amount + 1);
    const view = (await t.http().get(`/transfers/${id}`).set(sender.auth).expect(200)).body.result;
    expect(view).toMatchObject({ status: 'PENDING', failure_reason: 'RECEIVER_BALANCE_LIMIT' });

    // The receiver makes room now, but the transfer was refused for it: it is refunded, not credited.
    await t.http().post('/pay').set(receiver.auth).send({ amount, remarks: 'room' }).expect(201);
    await t.http().post('/pay').set(sender.auth).send({ amount, remarks: 'room' }).expect(201);
    await Promise.all([bus.execute(new ExecuteTransferCommand(id)), bus.execute(new ExecuteTransferCommand(id))]);
    await queue.resume(true);
    expect(await waitForSettled(t, sender, id)).toMatchObject({ status: 'FAILED', failure_reason: 'RECEIVER_BALANCE_LIMIT' });
    expect(await balance(sender)).toBe(cap);
    const entries = await t.db.collection<LedgerEntry>('ledger_entries').find({ ref_id: id }).sort({ created_at: 1 }).toArray();
    expect(entries.map((e) => [e.entry_type, e.status])).toEqual([
      ['TRANSFER_OUT', 'FAILED'],
      ['TRANSFER_REFUND', 'SUCCESS'],
    ]);
  });

  itInProcess('database', 'ledger:verify reports a wallet above the cap', async () => {
    const u = await newUser(t);
    await fund(u, 1000);
    const entry = await t.db.collection<LedgerEntry>('ledger_entries').findOne({ wallet_id: u.userId, seq: 1 });
    const client = await MongoClient.connect(process.env.MONGODB_URI!);
    const copy = client.db(`${t.db.databaseName}_capcheck`);
    try {
      await copy.collection<LedgerEntry>('ledger_entries').insertOne({ ...entry!, amount: cap + 1, balance_after: cap + 1, running: undefined });
      const report = await verifyLedger(copy, { maxBalance: cap });
      expect(report.problems).toContainEqual(`${entry!._id}: balance ${cap + 1} above the maximum ${cap}`);
    } finally {
      await copy.dropDatabase();
      await client.close();
    }
  });
});
