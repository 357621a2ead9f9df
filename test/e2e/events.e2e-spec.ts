import { waitForSettled } from '../support/transfers';
import { createTestApp, TestApp } from '../support/test-app';
import { adminAuth, newUser, TestUser } from '../support/users';
import { getQueueToken } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Queue } from 'bull';
import { ExecuteTransferCommand } from '../../src/modules/transfers/commands/execute-transfer/execute-transfer.command';
import { TRANSFER_QUEUE } from '../../src/modules/transfers/queue/transfer-queue';
import { RepairWalletStatusesCommand } from '../../src/modules/users/commands/repair-wallet-statuses/repair-wallet-statuses.command';
import { describeInProcess, itInProcess } from '../support/modes';
import { openSse, SseClient, SseMessage } from '../support/sse';

describe('events: live wallet events over Server-Sent Events', () => {
  let t: TestApp;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    t = await createTestApp({ label: 'events' });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    if (t) await t.close();
  });

  const open = async (path: string, headers: Record<string, string> = {}) => {
    const c = await openSse(t.baseUrl, path, headers);
    clients.push(c);
    return c;
  };
  const parsed = (m: SseMessage) => JSON.parse(m.data) as { id: string; event_id: string; type: string; user_id: string; created_date: string; data: Record<string, unknown> };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('shows a transfer live to both sides, in order, with the report fields, and its success to the sender', async () => {
    const a = await newUser(t);
    const b = await newUser(t);
    const sa = await open('/events', a.auth);
    const sb = await open('/events', b.auth);
    expect(sa.status).toBe(200);
    expect(sa.contentType).toMatch(/^text\/event-stream/);

    const top = await t.http().post('/topup').set(a.auth).send({ amount: 100000 }).expect(201);
    const tr = await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 30000, remarks: 'Hadiah' }).expect(202);
    const transferId = tr.body.result.transfer_id;

    const [m1, m2, m3] = await sa.waitFor(3);
    expect([m1.id, m1.event, m2.id, m2.event, m3.id, m3.event]).toEqual(['1', 'topup.succeeded', '2', 'transfer.pending', '2.1', 'transfer.succeeded']);
    expect(parsed(m1)).toMatchObject({ id: '1', type: 'topup.succeeded', user_id: a.userId, created_date: top.body.result.created_date });
    expect(parsed(m1).data).toMatchObject({ top_up_id: top.body.result.top_up_id, status: 'SUCCESS', transaction_type: 'CREDIT', amount: 100000, balance_before: 0, balance_after: 100000 });
    expect(parsed(m2).data).toMatchObject({ transfer_id: transferId, status: 'PENDING', transaction_type: 'DEBIT', amount: 30000, balance_before: 100000, balance_after: 70000, counterparty_user_id: b.userId });
    // The sender's success: the debit's row, settled, identified by the transfer for good.
    expect(parsed(m3)).toMatchObject({ id: '2.1', event_id: `${transferId}:SUCCEEDED`, type: 'transfer.succeeded', user_id: a.userId });
    expect(parsed(m3).data).toMatchObject({ transfer_id: transferId, status: 'SUCCESS', transaction_type: 'DEBIT', amount: 30000, balance_before: 100000, balance_after: 70000, counterparty_user_id: b.userId });

    const [r1] = await sb.waitFor(1);
    expect([r1.id, r1.event]).toEqual(['1', 'transfer.received']);
    expect(parsed(r1).data).toMatchObject({ transfer_id: transferId, status: 'SUCCESS', transaction_type: 'CREDIT', amount: 30000, balance_before: 0, balance_after: 30000, counterparty_user_id: a.userId });

    // Settling the transfer changes the debit entry's status, not its event: nothing more is sent.
    expect((await waitForSettled(t, a, transferId)).status).toBe('SUCCESS');
    // The success's payload is exactly the sender's row of the transfer as the report shows it.
    const reported = (await t.http().get('/transactions').set(a.auth).query({ type: 'TRANSFER' }).expect(200)).body.result;
    expect(parsed(m3).data).toEqual(reported.find((row: { transfer_id?: string }) => row.transfer_id === transferId));
    await sleep(1500);
    expect(sa.messages).toHaveLength(3);
    expect(sb.messages).toHaveLength(1);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^dompet_event_streams_open \d+/m);
    expect(metrics).toMatch(/^dompet_events_sent_total\{type="transfer\.received"\} [1-9]/m);
    expect(metrics).toMatch(/^dompet_events_sent_total\{type="transfer\.succeeded"\} [1-9]/m);
    // Produced (in-process, this process wrote them): one per ledger entry by entry type, one per status event by type.
    if (t.inProcess) {
      expect(metrics).toMatch(/^dompet_events_produced_total\{kind="TRANSFER_OUT"\} [1-9]/m);
      expect(metrics).toMatch(/^dompet_events_produced_total\{kind="TRANSFER_IN"\} [1-9]/m);
      expect(metrics).toMatch(/^dompet_events_produced_total\{kind="transfer\.succeeded"\} [1-9]/m);
    }
  });

  it('gives one wallet.frozen and one wallet.unfrozen per status change by an admin, repeats and races included', async () => {
    const admin = await adminAuth(t);
    const a = await newUser(t);
    await t.http().post('/topup').set(a.auth).send({ amount: 1000 }).expect(201);
    const s = await open('/events', a.auth);
    // Three admins freeze at once, then once more: one change, one event.
    const freezes = await Promise.all([1, 2, 3].map(() => t.http().post(`/users/${a.userId}/freeze`).set(admin)));
    for (const r of freezes) expect([200, 409]).toContain(r.status);
    await t.http().post(`/users/${a.userId}/freeze`).set(admin).expect(200);
    await t.http().post(`/users/${a.userId}/unfreeze`).set(admin).expect(200);
    await t.http().post(`/users/${a.userId}/unfreeze`).set(admin).expect(200);
    const got = await s.waitFor(3);
    expect(got.map((m) => [m.id, m.event])).toEqual([
      ['1', 'topup.succeeded'],
      ['1.1', 'wallet.frozen'],
      ['1.2', 'wallet.unfrozen'],
    ]);
    expect(parsed(got[1])).toMatchObject({ event_id: `${a.userId}:wallet-status:1`, user_id: a.userId, data: { user_id: a.userId, wallet_frozen: true, version: 1 } });
    expect(parsed(got[2])).toMatchObject({ event_id: `${a.userId}:wallet-status:2`, data: { wallet_frozen: false, version: 2 } });
    expect(parsed(got[1]).data.updated_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await sleep(1200);
    expect(s.messages).toHaveLength(3);
    // The wallet moves again after the unfreeze, and that follows in the same stream.
    await t.http().post('/topup').set(a.auth).send({ amount: 500 }).expect(201);
    expect((await s.waitFor(4))[3]).toMatchObject({ id: '2.2', event: 'topup.succeeded' });
  });

  it('resumes after an id of either kind with exactly the missed events, old numeric ids included', async () => {
    const admin = await adminAuth(t);
    const a = await newUser(t);
    const b = await newUser(t);
    await t.http().post('/topup').set(a.auth).send({ amount: 50000 }).expect(201);
    const tr = (await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 1000, remarks: 'r' }).expect(202)).body.result.transfer_id;
    expect((await waitForSettled(t, a, tr)).status).toBe('SUCCESS');
    await t.http().post(`/users/${a.userId}/freeze`).set(admin).expect(200);
    await t.http().post(`/users/${a.userId}/unfreeze`).set(admin).expect(200);
    await t.http().post('/pay').set(a.auth).send({ amount: 2000, remarks: 'p' }).expect(201);
    // The whole history: 1 top-up, 2 transfer.pending, 2.1 transfer.succeeded, 2.2 frozen, 2.3 unfrozen, 3 payment.
    const all = await open('/events?after=0', a.auth);
    const history = (await all.waitFor(6)).map((m) => `${m.id} ${m.event}`);
    expect(history).toEqual(['1 topup.succeeded', '2 transfer.pending', '2.1 transfer.succeeded', '2.2 wallet.frozen', '2.3 wallet.unfrozen', '3.3 payment.succeeded']);
    for (let k = 0; k < history.length; k++) {
      const lastSeen = history[k].split(' ')[0];
      const s = await open('/events', { ...a.auth, 'Last-Event-ID': lastSeen });
      const rest = history.slice(k + 1);
      if (rest.length) expect((await s.waitFor(rest.length)).map((m) => `${m.id} ${m.event}`)).toEqual(rest);
      s.close();
    }
    // A numeric id from before status events existed: everything after that entry, status events included.
    const q = await open('/events?after=2', a.auth);
    expect((await q.waitFor(4)).map((m) => m.id)).toEqual(['2.1', '2.2', '2.3', '3.3']);
    await sleep(1200);
    expect(q.messages).toHaveLength(4);
    expect(all.messages).toHaveLength(6);
  });

  itInProcess('database', "a transfer's success is stored without its payload, and one stored with it (by an earlier version) is sent as stored", async () => {
    const a = await newUser(t);
    const b = await newUser(t);
    await t.http().post('/topup').set(a.auth).send({ amount: 50000 }).expect(201);
    const transferId = (await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 20000, remarks: 'Arisan' }).expect(202)).body.result.transfer_id;
    expect((await waitForSettled(t, a, transferId)).status).toBe('SUCCESS');
    const stored = await t.db.collection('status_events').findOne({ key: `${transferId}:SUCCEEDED` });
    expect(stored).toMatchObject({ type: 'transfer.succeeded', after_seq: 2 });
    expect(stored).not.toHaveProperty('data');
    // An earlier version's event: its own payload, whatever the entry at after_seq says.
    const legacy = { transfer_id: 'legacy-transfer', status: 'SUCCESS', amount: 1 };
    await t.db.collection('status_events').insertOne({ ...stored!, _id: `${a.userId}:000000000002`, n: 2, key: 'legacy-transfer:SUCCEEDED', data: legacy } as never);
    const history = await (await open('/events', a.auth)).waitFor(4);
    expect(history.map((m) => `${m.id} ${m.event}`)).toEqual(['1 topup.succeeded', '2 transfer.pending', '2.1 transfer.succeeded', '2.2 transfer.succeeded']);
    expect(parsed(history[2]).data).toEqual({ ...parsed(history[1]).data, status: 'SUCCESS' });
    expect(parsed(history[2]).data).toMatchObject({ transfer_id: transferId, amount: 20000, balance_before: 50000, balance_after: 30000 });
    expect(parsed(history[3]).data).toEqual(legacy);
  });

  itInProcess('database', 'a wallet status change claimed by its event before a crash is applied by the next freeze or unfreeze, without a second event', async () => {
    const admin = await adminAuth(t);
    const a = await newUser(t);
    // What a crash right after the claim leaves: change 1 (frozen) recorded, the user not written.
    const now = new Date();
    await t.db.collection('status_events').insertOne({
      _id: `${a.userId}:000000000001`,
      user_id: a.userId,
      n: 1,
      key: `${a.userId}:wallet-status:1`,
      type: 'wallet.frozen',
      after_seq: 0,
      created_at: now,
      data: { user_id: a.userId, wallet_frozen: true, version: 1, updated_date: '2026-01-01 00:00:00' },
    } as never);
    // The admin retries the freeze: the user catches up with change 1; no second wallet.frozen.
    const again = await t.http().post(`/users/${a.userId}/freeze`).set(admin).expect(200);
    expect(again.body.result.wallet_frozen).toBe(true);
    await t.http().post('/topup').set(a.auth).send({ amount: 1000 }).expect(422);
    expect(await t.db.collection('status_events').countDocuments({ user_id: a.userId })).toBe(1);
    // An unfreeze after such a crash is change 2, not a second change 1.
    await t.db.collection('users').updateOne({ _id: a.userId } as never, { $set: { wallet_frozen: false, wallet_status_version: 0 } });
    await t.http().post(`/users/${a.userId}/unfreeze`).set(admin).expect(200);
    const events = await t.db.collection('status_events').find({ user_id: a.userId }).sort({ n: 1 }).toArray();
    expect(events.map((e) => [e.key, e.type])).toEqual([
      [`${a.userId}:wallet-status:1`, 'wallet.frozen'],
      [`${a.userId}:wallet-status:2`, 'wallet.unfrozen'],
    ]);
    expect(await t.db.collection('users').findOne({ _id: a.userId } as never)).toMatchObject({ wallet_frozen: false, wallet_status_version: 2 });
  });

  itInProcess('internals', 'the recovery sweep completes a wallet status change a crash left between its event and the user write, and drops one never claimed', async () => {
    const bus = t.app.get(CommandBus);
    const a = await newUser(t);
    const b = await newUser(t);
    const key = (u: string, v: number) => `${u}:wallet-status:${v}`;
    // a: the marker and the event of change 1 (frozen), the user not written yet (the crash).
    await t.db.collection('wallet_status_changes').insertOne({ _id: key(a.userId, 1), user_id: a.userId, version: 1, created_at: new Date() } as never);
    await t.db.collection('status_events').insertOne({
      _id: `${a.userId}:000000000001`,
      user_id: a.userId,
      n: 1,
      key: key(a.userId, 1),
      type: 'wallet.frozen',
      after_seq: 0,
      created_at: new Date(),
      data: { user_id: a.userId, wallet_frozen: true, version: 1, updated_date: '2026-01-01 00:00:00' },
    } as never);
    // b: a marker whose change was never claimed (the crash came before the event).
    await t.db.collection('wallet_status_changes').insertOne({ _id: key(b.userId, 1), user_id: b.userId, version: 1, created_at: new Date() } as never);

    // Markers younger than the minimum age are left to the request that wrote them.
    expect(await bus.execute(new RepairWalletStatusesCommand(60_000))).toEqual({ examined: 0, repaired: 0 });
    expect(await bus.execute(new RepairWalletStatusesCommand(0))).toEqual({ examined: 2, repaired: 1 });
    expect(await t.db.collection('users').findOne({ _id: a.userId } as never)).toMatchObject({ wallet_frozen: true, wallet_status_version: 1 });
    expect(await t.db.collection('users').findOne({ _id: b.userId } as never)).toMatchObject({ wallet_frozen: false });
    expect(await t.db.collection('wallet_status_changes').countDocuments({ user_id: { $in: [a.userId, b.userId] } } as never)).toBe(0);
    expect(await t.db.collection('status_events').countDocuments({ user_id: { $in: [a.userId, b.userId] } } as never)).toBe(1);
    await t.http().post('/topup').set(a.auth).send({ amount: 1000 }).expect(422);
    await t.http().post('/topup').set(b.auth).send({ amount: 1000 }).expect(201);
  });

  itInProcess('database', 'a freeze leaves no marker behind once the user shows the change', async () => {
    const admin = await adminAuth(t);
    const a = await newUser(t);
    await t.http().post(`/users/${a.userId}/freeze`).set(admin).expect(200);
    await t.http().post(`/users/${a.userId}/unfreeze`).set(admin).expect(200);
    expect(await t.db.collection('wallet_status_changes').countDocuments({ user_id: a.userId })).toBe(0);
    expect(await t.db.collection('users').findOne({ _id: a.userId } as never)).toMatchObject({ wallet_frozen: false, wallet_status_version: 2 });
  });

  it('resumes after Last-Event-ID (or ?after=) with exactly the missed events', async () => {
    const a = await newUser(t);
    await t.http().post('/topup').set(a.auth).send({ amount: 100000 }).expect(201);
    for (const amount of [1000, 2000, 3000]) await t.http().post('/pay').set(a.auth).send({ amount, remarks: `p${amount}` }).expect(201);

    const s = await open('/events', { ...a.auth, 'Last-Event-ID': '2' });
    const got = await s.waitFor(2);
    expect(got.map((m) => [m.id, m.event, parsed(m).data.amount])).toEqual([
      ['3', 'payment.succeeded', 2000],
      ['4', 'payment.succeeded', 3000],
    ]);
    await sleep(1200);
    expect(s.messages).toHaveLength(2);
    // What happens while connected follows, once.
    await t.http().post('/pay').set(a.auth).send({ amount: 4000, remarks: 'later' }).expect(201);
    expect((await s.waitFor(3))[2]).toMatchObject({ id: '5', event: 'payment.succeeded' });

    const q = await open('/events?after=4', a.auth);
    expect((await q.waitFor(1)).map((m) => m.id)).toEqual(['5']);
    await sleep(1200);
    expect(q.messages).toHaveLength(1);
  });

  it('accepts a single-use ticket instead of the Authorization header', async () => {
    const a = await newUser(t);
    await t.http().post('/topup').set(a.auth).send({ amount: 5000 }).expect(201);
    const res = await t.http().post('/events/ticket').set(a.auth).expect(201);
    expect(res.body.result).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/), expires_in_seconds: 30 });
    const ticket = res.body.result.ticket;

    const s = await open(`/events?ticket=${ticket}`);
    expect(s.status).toBe(200);
    expect((await s.waitFor(1))[0]).toMatchObject({ id: '1', event: 'topup.succeeded' });

    const again = await t.http().get(`/events?ticket=${ticket}`).expect(401);
    expect(again.body).toMatchObject({ message: 'Unauthenticated' });
    await t.http().get('/events?ticket=not-a-ticket-at-all-not-a-ticket').expect(401);
  });

  itInProcess('internals', 'yields one event per change when a transfer job runs many times, concurrently (success and refund)', async () => {
    const queue = t.app.get<Queue>(getQueueToken(TRANSFER_QUEUE));
    const bus = t.app.get(CommandBus);
    const a = await newUser(t);
    const b = await newUser(t);
    const c = await newUser(t);
    await t.http().post('/topup').set(a.auth).send({ amount: 10000 }).expect(201);
    await queue.pause(true);
    try {
      const ok = (await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 2500, remarks: 'x' }).expect(202)).body.result.transfer_id;
      const failed = (await t.http().post('/transfer').set(a.auth).send({ target_user: c.userId, amount: 1000, remarks: 'y' }).expect(202)).body.result.transfer_id;
      await t.http().post(`/users/${c.userId}/freeze`).set(await adminAuth(t)).expect(200);
      await Promise.all([...Array.from({ length: 6 }, () => bus.execute(new ExecuteTransferCommand(ok))), ...Array.from({ length: 6 }, () => bus.execute(new ExecuteTransferCommand(failed)))]);
      expect((await waitForSettled(t, a, ok)).status).toBe('SUCCESS');
      expect((await waitForSettled(t, a, failed)).status).toBe('FAILED');

      const sa = await open('/events', a.auth);
      const sb = await open('/events', b.auth);
      const got = await sa.waitFor(5);
      // The success and the refund settled concurrently: their order between them follows their times.
      expect(got.map((m) => m.event).slice(0, 3)).toEqual(['topup.succeeded', 'transfer.pending', 'transfer.pending']);
      expect(got.map((m) => m.event).slice(3).sort()).toEqual(['transfer.failed', 'transfer.succeeded']);
      const refund = got.find((m) => m.event === 'transfer.failed')!;
      expect(parsed(refund).data).toMatchObject({ transfer_id: failed, transaction_type: 'CREDIT', amount: 1000, reversal: true, balance_after: 7500 });
      expect(parsed(got.find((m) => m.event === 'transfer.succeeded')!)).toMatchObject({ event_id: `${ok}:SUCCEEDED`, data: { transfer_id: ok, status: 'SUCCESS', amount: 2500 } });
      expect((await sb.waitFor(1)).map((m) => [m.id, m.event])).toEqual([['1', 'transfer.received']]);
      await sleep(1500);
      expect(sa.messages).toHaveLength(5);
      expect(sb.messages).toHaveLength(1);
      expect(await t.db.collection('status_events').countDocuments({ key: `${ok}:SUCCEEDED` })).toBe(1);
    } finally {
      await queue.resume(true);
    }
  });

  it('caps the open streams of one user (429 TOO_MANY_STREAMS) and frees a slot when one closes', async () => {
    const a = await newUser(t);
    // The default cap (a black-box deployment is expected to run with it).
    const cap = t.inProcess ? t.config.eventsMaxStreamsPerUser : 5;
    const mine: SseClient[] = [];
    for (let i = 0; i < cap; i++) mine.push(await open('/events', a.auth));
    expect(mine.map((c) => c.status)).toEqual(Array(cap).fill(200));
    const refused = await t.http().get('/events').set(a.auth).expect(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_STREAMS' });
    mine[0].close();
    for (let i = 0; i < 50; i++) {
      const next = await open('/events', a.auth);
      if (next.status === 200) return;
      await sleep(100);
    }
    throw new Error('no stream slot freed after a client closed its stream');
  });

  it('refuses a missing token and a malformed cursor, and ends the stream when the session is revoked', async () => {
    await t.http().get('/events').expect(401);
    const a: TestUser = await newUser(t);
    await t.http().get('/events').set(a.auth).set('Last-Event-ID', 'abc').expect(400);
    await t.http().get('/events?after=-1').set(a.auth).expect(400);

    const s = await open('/events', a.auth);
    expect(s.status).toBe(200);
    await t.http().post('/logout').set(a.auth).expect(200);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([s.ended.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 9000)))]);
    clearTimeout(timer);
    expect(ended).toBe(true);
  }, 20_000);
});

describeInProcess('config', 'events: doorbell, heartbeat and the end of the stream at token expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ label: 'events-expiry', env: { ACCESS_TOKEN_TTL_SECONDS: '10', EVENTS_HEARTBEAT_SECONDS: '1', EVENTS_POLL_MS: '20000' } });
  });
  afterAll(async () => {
    if (t) await t.close();
  });

  it('delivers a change at once on the Redis doorbell, long before the next periodic re-read (20 s here)', async () => {
    const a = await newUser(t);
    const s = await openSse(t.baseUrl, '/events', a.auth);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await t.http().post('/topup').set(a.auth).send({ amount: 1000 }).expect(201);
      expect((await s.waitFor(1, 5000))[0]).toMatchObject({ id: '1', event: 'topup.succeeded' });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      s.close();
    }
  });

  it('sends a heartbeat comment every EVENTS_HEARTBEAT_SECONDS and ends the stream when the access token expires', async () => {
    const a = await newUser(t);
    const s = await openSse(t.baseUrl, '/events', a.auth);
    try {
      expect(s.status).toBe(200);
      const opened = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([s.ended.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 15_000)))]);
      clearTimeout(timer);
      expect(ended).toBe(true);
      expect(Date.now() - opened).toBeLessThan(12_000);
      expect(s.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(3);
    } finally {
      s.close();
    }
  }, 30_000);
});
