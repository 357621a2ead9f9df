import { waitForSettled } from '../support/transfers';
import { createTestApp, TestApp } from '../support/test-app';
import { newUser, TestUser } from '../support/users';
import { getQueueToken } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Queue } from 'bull';
import { ExecuteTransferCommand } from '../../src/modules/transfers/commands/execute-transfer/execute-transfer.command';
import { TRANSFER_QUEUE } from '../../src/modules/transfers/queue/transfer-queue';
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
  const parsed = (m: SseMessage) => JSON.parse(m.data) as { id: number; type: string; user_id: string; created_date: string; data: Record<string, unknown> };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('shows a transfer live to both sides, in order, with the report fields', async () => {
    const a = await newUser(t);
    const b = await newUser(t);
    const sa = await open('/events', a.auth);
    const sb = await open('/events', b.auth);
    expect(sa.status).toBe(200);
    expect(sa.contentType).toMatch(/^text\/event-stream/);

    const top = await t.http().post('/topup').set(a.auth).send({ amount: 100000 }).expect(201);
    const tr = await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 30000, remarks: 'Hadiah' }).expect(202);
    const transferId = tr.body.result.transfer_id;

    const [m1, m2] = await sa.waitFor(2);
    expect([m1.id, m1.event, m2.id, m2.event]).toEqual(['1', 'topup.succeeded', '2', 'transfer.pending']);
    expect(parsed(m1)).toMatchObject({ id: 1, type: 'topup.succeeded', user_id: a.userId, created_date: top.body.result.created_date });
    expect(parsed(m1).data).toMatchObject({ top_up_id: top.body.result.top_up_id, status: 'SUCCESS', transaction_type: 'CREDIT', amount: 100000, balance_before: 0, balance_after: 100000 });
    expect(parsed(m2).data).toMatchObject({ transfer_id: transferId, status: 'PENDING', transaction_type: 'DEBIT', amount: 30000, balance_before: 100000, balance_after: 70000, counterparty_user_id: b.userId });

    const [r1] = await sb.waitFor(1);
    expect([r1.id, r1.event]).toEqual(['1', 'transfer.received']);
    expect(parsed(r1).data).toMatchObject({ transfer_id: transferId, status: 'SUCCESS', transaction_type: 'CREDIT', amount: 30000, balance_before: 0, balance_after: 30000, counterparty_user_id: a.userId });

    // Settling the transfer changes the debit entry's status, not its event: nothing more is sent.
    await waitForSettled(t, a, transferId);
    await sleep(1500);
    expect(sa.messages).toHaveLength(2);
    expect(sb.messages).toHaveLength(1);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^dompet_event_streams_open \d+/m);
    expect(metrics).toMatch(/^dompet_events_sent_total\{type="transfer\.received"\} [1-9]/m);
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
      await t.db.collection('users').updateOne({ _id: c.userId } as never, { $set: { wallet_frozen: true } });
      await Promise.all([...Array.from({ length: 6 }, () => bus.execute(new ExecuteTransferCommand(ok))), ...Array.from({ length: 6 }, () => bus.execute(new ExecuteTransferCommand(failed)))]);
      expect((await waitForSettled(t, a, ok)).status).toBe('SUCCESS');
      expect((await waitForSettled(t, a, failed)).status).toBe('FAILED');

      const sa = await open('/events', a.auth);
      const sb = await open('/events', b.auth);
      const got = await sa.waitFor(4);
      expect(got.map((m) => [m.id, m.event])).toEqual([
        ['1', 'topup.succeeded'],
        ['2', 'transfer.pending'],
        ['3', 'transfer.pending'],
        ['4', 'transfer.failed'],
      ]);
      expect(parsed(got[3]).data).toMatchObject({ transfer_id: failed, transaction_type: 'CREDIT', amount: 1000, reversal: true, balance_after: 7500 });
      expect((await sb.waitFor(1)).map((m) => [m.id, m.event])).toEqual([['1', 'transfer.received']]);
      await sleep(1500);
      expect(sa.messages).toHaveLength(4);
      expect(sb.messages).toHaveLength(1);
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
