import { getQueueToken } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Queue } from 'bull';
import { ExpireHoldCommand } from '../../src/modules/holds/commands/expire-hold/expire-hold.command';
import { RecoverDueHoldsCommand } from '../../src/modules/holds/commands/recover-due-holds/recover-due-holds.command';
import { HOLD_QUEUE } from '../../src/modules/holds/queue/hold-queue';
import { LedgerEntry } from '../../src/modules/wallet/domain/ledger-entry';
import { verifyLedger } from '../../src/modules/reconciliation';
import { describeInProcess, itWithDatabase } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';
import { adminAuth, newUser, TestUser } from '../support/users';
import { balanceOf } from '../support/wallet';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('holds: authorise now, capture or release later, never both', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'holds' });
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) {
      const report = await verifyLedger(t.db, { maxBalance: t.config.maxBalance });
      expect(report.problems).toEqual([]);
    }
    await t.close();
  });

  const balance = (u: TestUser) => balanceOf(t, u);
  async function funded(amount: number) {
    const u = await newUser(t);
    if (amount) await t.http().post('/topup').set(u.auth).send({ amount }).expect(201);
    return u;
  }
  const hold = (u: TestUser, body: Record<string, unknown>, key?: string) => {
    const req = t.http().post('/holds').set(u.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send({ remarks: 'Cinema seat 7F', ...body });
  };
  const capture = (u: { auth: Record<string, string> }, id: string, amount: unknown, key?: string) => {
    const req = t.http().post(`/holds/${id}/capture`).set(u.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send({ amount });
  };
  const voidHold = (auth: Record<string, string>, id: string) => t.http().post(`/holds/${id}/void`).set(auth).send();
  const holdRows = async (u: TestUser, id: string) =>
    ((await t.http().get('/transactions?type=HOLD&limit=100').set(u.auth).expect(200)).body.result as Array<Record<string, unknown>>).filter((r) => r.hold_id === id);

  it('holds the amount at once, then a partial capture pays part and releases the rest', async () => {
    const u = await funded(500000);
    const res = await hold(u, { amount: 150000, expires_in_seconds: 600 }).expect(201);
    expect(Object.keys(res.body.result)).toEqual(['hold_id', 'amount', 'remarks', 'balance_before', 'balance_after', 'status', 'expires_at', 'created_date']);
    expect(res.body.result).toMatchObject({ amount: 150000, remarks: 'Cinema seat 7F', balance_before: 500000, balance_after: 350000, status: 'PENDING' });
    const id = res.body.result.hold_id as string;
    expect(await balance(u)).toBe(350000);

    const viewed = (await t.http().get(`/holds/${id}`).set(u.auth).expect(200)).body.result;
    expect(viewed).toMatchObject({ hold_id: id, user_id: u.userId, amount: 150000, captured_amount: 0, released_amount: 0, status: 'PENDING', release_pending: false });
    const pending = (await t.http().get('/holds?status=PENDING').set(u.auth).expect(200)).body;
    expect(pending.result.map((h: { hold_id: string }) => h.hold_id)).toEqual([id]);
    expect(pending.pagination).toEqual({ next_cursor: null, has_more: false });
    expect((await holdRows(u, id)).map((r) => [r.transaction_type, r.status, r.amount])).toEqual([['DEBIT', 'PENDING', 150000]]);

    const captured = (await capture(u, id, 120000).expect(200)).body.result;
    expect(captured).toMatchObject({ hold_id: id, status: 'CAPTURED', captured_amount: 120000, released_amount: 30000, release_pending: false });
    expect(await balance(u)).toBe(380000);
    const rows = await holdRows(u, id);
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0])[0]).toBe('hold_id');
    expect(rows[0]).toMatchObject({ hold_id: id, status: 'SUCCESS', transaction_type: 'CREDIT', amount: 30000, balance_before: 350000, balance_after: 380000, reversal: true });
    expect(rows[1]).toMatchObject({ hold_id: id, status: 'SUCCESS', transaction_type: 'DEBIT', amount: 150000, balance_before: 500000, balance_after: 350000 });
    expect(rows[1]).not.toHaveProperty('reversal');
    expect(rows[0]).not.toHaveProperty('transfer_id');

    expect((await capture(u, id, 120000).expect(409)).body.code).toBe('HOLD_ALREADY_CAPTURED');
    expect((await voidHold(u.auth, id).expect(409)).body.code).toBe('HOLD_ALREADY_CAPTURED');
    expect((await t.http().get('/holds?status=CAPTURED').set(u.auth).expect(200)).body.result.map((h: { hold_id: string }) => h.hold_id)).toEqual([id]);
    expect(await balance(u)).toBe(380000);
    const summary = (await t.http().get('/transactions/summary').set(u.auth).expect(200)).body.result;
    expect(summary).toMatchObject({ opening_balance: 0, closing_balance: 380000, total_credit: 530000, total_debit: 150000 });
    expect(summary.counts).toMatchObject({ TOP_UP: 1, HOLD: 1, HOLD_RELEASE: 1 });
  });

  it('captures the whole amount without a release, and voids with everything back', async () => {
    const u = await funded(300000);
    const full = (await hold(u, { amount: 100000 }).expect(201)).body.result.hold_id as string;
    expect((await capture(u, full, 100000).expect(200)).body.result).toMatchObject({ status: 'CAPTURED', captured_amount: 100000, released_amount: 0 });
    expect(await balance(u)).toBe(200000);
    expect((await holdRows(u, full)).map((r) => [r.transaction_type, r.status])).toEqual([['DEBIT', 'SUCCESS']]);

    const voided = (await hold(u, { amount: 50000 }).expect(201)).body.result.hold_id as string;
    expect(await balance(u)).toBe(150000);
    expect((await voidHold(u.auth, voided).expect(200)).body.result).toMatchObject({ status: 'VOIDED', captured_amount: 0, released_amount: 50000 });
    expect(await balance(u)).toBe(200000);
    expect((await voidHold(u.auth, voided).expect(200)).body.result.status).toBe('VOIDED');
    expect((await capture(u, voided, 1).expect(409)).body.code).toBe('HOLD_VOIDED');
    expect(await balance(u)).toBe(200000);
    expect((await holdRows(u, voided)).map((r) => [r.transaction_type, r.status, r.amount, r.reversal ?? false])).toEqual([
      ['CREDIT', 'SUCCESS', 50000, true],
      ['DEBIT', 'FAILED', 50000, false],
    ]);
  });

  it('refuses what it must and moves nothing', async () => {
    const u = await funded(1000);
    const other = await funded(0);
    expect((await hold(u, { amount: 1001 }).expect(422)).body).toMatchObject({ message: 'Balance is not enough', code: 'BALANCE_NOT_ENOUGH' });
    expect((await hold(u, { amount: 10, expires_in_seconds: 10_000_000 }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await hold(u, { amount: 0 }).expect(400);
    await hold(u, { amount: 10, expires_in_seconds: 0 }).expect(400);
    expect(await balance(u)).toBe(1000);
    expect((await t.http().get('/holds').set(u.auth).expect(200)).body.result).toEqual([]);
    await t.http().get('/holds?status=NOPE').set(u.auth).expect(400);

    const id = (await hold(u, { amount: 400 }).expect(201)).body.result.hold_id as string;
    expect((await capture(u, id, 401).expect(422)).body).toMatchObject({ code: 'CAPTURE_EXCEEDS_HOLD', held_amount: 400 });
    await capture(u, id, 0).expect(400);
    expect((await t.http().get(`/holds/${id}`).set(other.auth).expect(404)).body.code).toBe('HOLD_NOT_FOUND');
    expect((await capture(other, id, 1).expect(404)).body.code).toBe('HOLD_NOT_FOUND');
    expect((await voidHold(other.auth, id).expect(404)).body.code).toBe('HOLD_NOT_FOUND');
    await t.http().get('/holds/not-a-uuid').set(u.auth).expect(400);
    await t.http().get(`/holds/${id}`).expect(401);
    expect(await balance(u)).toBe(600);

    // An administrator may void anybody's hold.
    const admin = await adminAuth(t);
    expect((await voidHold(admin, id).expect(200)).body.result).toMatchObject({ status: 'VOIDED', released_amount: 400 });
    expect(await balance(u)).toBe(1000);
  });

  it('refuses a hold or a capture on a frozen wallet, like a payment', async () => {
    const u = await funded(1000);
    const id = (await hold(u, { amount: 300 }).expect(201)).body.result.hold_id as string;
    const admin = await adminAuth(t);
    await t.http().post(`/users/${u.userId}/freeze`).set(admin).expect((res) => expect([200, 201]).toContain(res.status));
    expect((await hold(u, { amount: 100 }).expect(422)).body.code).toBe('WALLET_FROZEN');
    expect((await capture(u, id, 100).expect(422)).body.code).toBe('WALLET_FROZEN');
    expect(await balance(u)).toBe(700);
    // Releasing the money back is no payment: a void still works.
    expect((await voidHold(u.auth, id).expect(200)).body.result.status).toBe('VOIDED');
    expect(await balance(u)).toBe(1000);
  });

  it('replays a retried hold or capture with the same Idempotency-Key and moves the money once', async () => {
    const u = await funded(100000);
    const key = `hold-${Date.now()}-${Math.random()}`;
    const first = await hold(u, { amount: 40000 }, key).expect(201);
    const again = await hold(u, { amount: 40000 }, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await hold(u, { amount: 40001 }, key).expect(409)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await balance(u)).toBe(60000);
    const id = first.body.result.hold_id as string;

    const captureKey = `cap-${Date.now()}-${Math.random()}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => capture(u, id, 25000, captureKey)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    for (const a of answers) expect(a.body.result).toMatchObject({ hold_id: id, status: 'CAPTURED', captured_amount: 25000, released_amount: 15000 });
    expect((await capture(u, id, 25000).expect(409)).body.code).toBe('HOLD_ALREADY_CAPTURED');
    expect(await balance(u)).toBe(75000);
  });

  it('answers a capture after expires_at with 422 HOLD_EXPIRED and releases the money', async () => {
    const u = await funded(10000);
    const id = (await hold(u, { amount: 4000, expires_in_seconds: 1 }).expect(201)).body.result.hold_id as string;
    expect(await balance(u)).toBe(6000);
    await sleep(1100);
    expect((await capture(u, id, 4000).expect(422)).body).toMatchObject({ code: 'HOLD_EXPIRED', message: 'This hold has expired; its money was released' });
    expect(await balance(u)).toBe(10000);
    expect((await t.http().get(`/holds/${id}`).set(u.auth).expect(200)).body.result).toMatchObject({ status: 'EXPIRED', released_amount: 4000 });
    expect((await voidHold(u.auth, id).expect(422)).body.code).toBe('HOLD_EXPIRED');
    expect((await capture(u, id, 1).expect(422)).body.code).toBe('HOLD_EXPIRED');
  });

  itWithDatabase('expires a hold nobody decided, by its delayed job', async () => {
    const u = await funded(10000);
    const id = (await hold(u, { amount: 2500, expires_in_seconds: 1 }).expect(201)).body.result.hold_id as string;
    const deadline = Date.now() + 15_000;
    let status = 'PENDING';
    while (status === 'PENDING' && Date.now() < deadline) {
      await sleep(200);
      status = (await t.http().get(`/holds/${id}`).set(u.auth).expect(200)).body.result.status;
    }
    expect(status).toBe('EXPIRED');
    for (let i = 0; i < 50 && !(await t.db.collection('holds').findOne({ _id: id as never }))?.settled; i++) await sleep(100);
    expect(await balance(u)).toBe(10000);
    expect(await t.db.collection('hold_outcomes').findOne({ _id: id as never })).toMatchObject({ outcome: 'EXPIRED' });
  });

  describeInProcess('internals', 'expiry internals: the queue, the sweep and the command bus', () => {
    let commands: CommandBus;
    let queue: Queue;
    beforeAll(() => {
      commands = t.app.get(CommandBus);
      queue = t.app.get(getQueueToken(HOLD_QUEUE));
    });

    it('the recovery sweep expires a hold whose job was lost', async () => {
      const u = await funded(10000);
      const id = (await hold(u, { amount: 3000, expires_in_seconds: 1 }).expect(201)).body.result.hold_id as string;
      await (await queue.getJob(id))?.remove();
      expect(await queue.getJob(id)).toBeNull();
      await sleep(1100);
      expect((await t.http().get(`/holds/${id}`).set(u.auth).expect(200)).body.result.status).toBe('PENDING');
      const swept = await commands.execute(new RecoverDueHoldsCommand(0));
      expect(swept.enqueued).toBeGreaterThanOrEqual(1);
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (await balance(u)) !== 10000) await sleep(100);
      expect(await balance(u)).toBe(10000);
      expect((await t.http().get(`/holds/${id}`).set(u.auth).expect(200)).body.result).toMatchObject({ status: 'EXPIRED', released_amount: 3000 });
      // Running it again, or the expiry itself again, changes nothing.
      expect(await commands.execute(new ExpireHoldCommand(id))).toEqual({ status: 'EXPIRED' });
      expect(await balance(u)).toBe(10000);
    });

    it('a release that would pass MAX_BALANCE waits, visible, and lands once the wallet has room', async () => {
      const max = t.config.maxBalance;
      const step = t.config.maxTransactionAmount;
      const u = await funded(step);
      const id = (await hold(u, { amount: step }).expect(201)).body.result.hold_id as string;
      for (let b = 0; b < max; b += step) await t.http().post('/topup').set(u.auth).send({ amount: Math.min(step, max - b) }).expect(201);
      expect(await balance(u)).toBe(max);
      const voided = (await voidHold(u.auth, id).expect(200)).body.result;
      expect(voided).toMatchObject({ status: 'VOIDED', released_amount: 0, release_pending: true });
      expect(await balance(u)).toBe(max);
      await expect(commands.execute(new ExpireHoldCommand(id))).rejects.toThrow(/waits for room/);
      await t.http().post('/pay').set(u.auth).send({ amount: step, remarks: 'room' }).expect(201);
      expect(await commands.execute(new ExpireHoldCommand(id))).toEqual({ status: 'VOIDED' });
      expect(await balance(u)).toBe(max);
      expect((await t.http().get(`/holds/${id}`).set(u.auth).expect(200)).body.result).toMatchObject({ status: 'VOIDED', released_amount: step, release_pending: false });
    });

    it('capture racing expiry, 50 times: exactly one outcome each and exact balances', async () => {
      const HOLDS = 50;
      const AMOUNT = 1000;
      const CAPTURE = 600;
      const u = await funded(HOLDS * AMOUNT);
      const results: Array<{ id: string; capture: number; expire: string }> = [];
      for (let round = 0; round < HOLDS / 10; round++) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const id = (await hold(u, { amount: AMOUNT, expires_in_seconds: 1 }).expect(201)).body.result.hold_id as string;
            const doc = await t.db.collection<{ expires_at: Date }>('holds').findOne({ _id: id as never });
            // Aim the capture around expires_at: from 120 ms before it to 120 ms after.
            const offset = -120 + ((round * 10 + i) * 37) % 240;
            await sleep(Math.max(0, doc!.expires_at.getTime() + offset - Date.now()));
            const [captured, expired] = await Promise.all([capture(u, id, CAPTURE), commands.execute(new ExpireHoldCommand(id))]);
            return { id, capture: captured.status, expire: expired.status };
          }),
        );
        results.push(...batch);
      }
      let capturedCount = 0;
      for (const r of results) {
        const outcomes = await t.db.collection('hold_outcomes').find({ _id: r.id as never }).toArray();
        expect(outcomes).toHaveLength(1);
        const entries = await t.db.collection<LedgerEntry>('ledger_entries').find({ ref_id: r.id }).toArray();
        const release = entries.find((e) => e.entry_type === 'HOLD_RELEASE');
        const debit = entries.find((e) => e.entry_type === 'HOLD');
        if (outcomes[0].outcome === 'CAPTURED') {
          capturedCount++;
          expect(r).toMatchObject({ capture: 200, expire: 'CAPTURED' });
          expect(release?.amount).toBe(AMOUNT - CAPTURE);
          expect(debit?.status).toBe('SUCCESS');
        } else {
          expect(outcomes[0].outcome).toBe('EXPIRED');
          expect(r).toMatchObject({ capture: 422, expire: 'EXPIRED' });
          expect(release?.amount).toBe(AMOUNT);
          expect(debit?.status).toBe('FAILED');
        }
        expect(entries).toHaveLength(2);
      }
      process.stdout.write(`[holds race] ${capturedCount} captured, ${HOLDS - capturedCount} expired\n`);
      expect(await balance(u)).toBe(HOLDS * AMOUNT - capturedCount * CAPTURE);
    }, 120_000);
  });
});
