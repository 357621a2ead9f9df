import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Queue } from 'bull';
import { DeliverWebhookCommand } from '../../src/modules/webhooks/commands/deliver-webhook/deliver-webhook.command';
import { DispatchWalletEventsCommand } from '../../src/modules/webhooks/commands/dispatch-wallet-events/dispatch-wallet-events.command';
import { WEBHOOK_QUEUE } from '../../src/modules/webhooks/queue/webhook-queue';
import { LedgerDoorbell } from '../../src/infrastructure/ledger-doorbell';
import { REDIS } from '../../src/infrastructure/redis.module';
import { describeInProcess, itInProcess } from '../support/modes';
import { deleteRedisKeys } from '../support/redis';
import { openSse } from '../support/sse';
import { createTestApp, TestApp } from '../support/test-app';
import { waitForSettled } from '../support/transfers';
import { adminAuth, newUser } from '../support/users';

/** One request the receiver got: its headers and the raw body, as a receiver must verify it. */
interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: { id: string; event_id: string; type: string; user_id: string; created_date: string; data: Record<string, unknown> };
  status: number;
}

/** A local webhook receiver on 127.0.0.1: answers each request with `respond(request)` (200 by default). */
class Receiver {
  readonly received: Received[] = [];
  respond: (r: Omit<Received, 'status'>) => number = () => 200;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const got = { headers: req.headers, raw, body: JSON.parse(raw) };
        const status = this.respond(got);
        this.received.push({ ...got, status });
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/dompet`;
    return this;
  }

  of(userId: string): Received[] {
    return this.received.filter((r) => r.body.user_id === userId);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * The receiver's check, as docs/webhooks.md shows it: HMAC-SHA256 of "<t>.<raw body>" with the secret,
 * compared in constant time, and a timestamp no older than 5 minutes.
 */
function verify(secret: string, header: string | string[] | undefined, raw: string): boolean {
  const fields = Object.fromEntries(String(header).split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhooks: registration and access', () => {
  let t: TestApp;
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = await createTestApp({ label: 'webhooks-api' });
    admin = await adminAuth(t);
  });

  afterAll(async () => {
    if (t) await t.close();
  });

  it('is for administrators only (403 for a user, 401 without a token)', async () => {
    const u = await newUser(t);
    const body = { url: 'https://hooks.example.com/dompet', event_types: ['topup.succeeded'] };
    expect((await t.http().post('/webhooks').set(u.auth).send(body).expect(403)).body).toMatchObject({ code: 'FORBIDDEN' });
    await t.http().get('/webhooks').set(u.auth).expect(403);
    await t.http().delete('/webhooks/019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f').set(u.auth).expect(403);
    await t.http().get('/webhooks/019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f/deliveries').set(u.auth).expect(403);
    await t.http().post('/webhooks').send(body).expect(401);
  });

  it.each([
    [{ url: 'ftp://hooks.example.com/x', event_types: ['topup.succeeded'] }, 'url'],
    [{ url: 'not a url', event_types: ['topup.succeeded'] }, 'url'],
    [{ url: 'https://user:pw@hooks.example.com/', event_types: ['topup.succeeded'] }, 'url'],
    [{ url: 42, event_types: ['topup.succeeded'] }, 'url'],
    [{ url: 'https://hooks.example.com/x', event_types: ['money.printed'] }, 'event_types'],
    [{ url: 'https://hooks.example.com/x', event_types: [] }, 'event_types'],
    [{ url: 'https://hooks.example.com/x' }, 'event_types'],
  ])('refuses %j with 400 (field %s)', async (body, field) => {
    const res = await t.http().post('/webhooks').set(admin).send(body).expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
    expect(res.body.errors).toHaveProperty(field);
  });

  it('answers 400 for a malformed id and 404 for an unknown endpoint or delivery', async () => {
    await t.http().delete('/webhooks/not-a-uuid').set(admin).expect(400);
    expect((await t.http().get('/webhooks/019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f/deliveries').set(admin).expect(404)).body).toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    expect((await t.http().delete('/webhooks/019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f').set(admin).expect(404)).body).toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    await t.http().post('/webhooks/019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f/deliveries/nope/redeliver').set(admin).expect(400);
  });
});

describeInProcess('config', 'webhooks: signed deliveries to a local receiver (private targets allowed, fast retries)', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      label: 'webhooks',
      env: {
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_BACKOFF_MS: '100',
        WEBHOOK_BACKOFF_MAX_MS: '400',
        WEBHOOK_RETRY_WINDOW_SECONDS: '2',
        WEBHOOK_CATCHUP_MS: '1000',
        WEBHOOK_TIMEOUT_MS: '2000',
      },
    });
    admin = await adminAuth(t);
  });

  afterAll(async () => {
    for (const r of receivers) await r.stop();
    if (t) await t.close();
  });

  // Each test deletes its endpoint; one a failed test left behind is deleted here, so it sends nothing to the next.
  afterEach(async () => {
    const left = (await t.http().get('/webhooks').set(admin).expect(200)).body.result as Array<{ webhook_id: string }>;
    for (const w of left) await t.http().delete(`/webhooks/${w.webhook_id}`).set(admin);
  });

  const register = async (eventTypes: string[] = ['*']) => {
    const receiver = await new Receiver().start();
    receivers.push(receiver);
    const res = await t.http().post('/webhooks').set(admin).send({ url: receiver.url, event_types: eventTypes, description: 'e2e receiver' }).expect(201);
    return { receiver, id: res.body.result.webhook_id as string, secret: res.body.result.secret as string, result: res.body.result };
  };
  const log = async (id: string, query = '') => (await t.http().get(`/webhooks/${id}/deliveries${query}`).set(admin).expect(200)).body;

  it('delivers a top-up and a transfer (sender and receiver events), signed with the secret shown once, in order per user, with the event id header', async () => {
    const { receiver, id, secret, result } = await register();
    expect(result).toEqual({ webhook_id: expect.any(String), url: receiver.url, event_types: ['*'], description: 'e2e receiver', created_date: expect.any(String), secret: expect.stringMatching(/^whsec_/) });
    const listed = (await t.http().get('/webhooks').set(admin).expect(200)).body.result as Array<Record<string, unknown>>;
    expect(listed.find((w) => w.webhook_id === id)).toEqual({ webhook_id: id, url: receiver.url, event_types: ['*'], description: 'e2e receiver', created_date: result.created_date });
    expect(JSON.stringify(listed)).not.toContain(secret);

    const a = await newUser(t);
    const b = await newUser(t);
    const top = (await t.http().post('/topup').set(a.auth).send({ amount: 100000 }).expect(201)).body.result;
    const tr = (await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 30000, remarks: 'Hadiah' }).expect(202)).body.result;
    await waitForSettled(t, a, tr.transfer_id);

    const fromA = await until('three deliveries for the sender', () => receiver.of(a.userId).length >= 3 && receiver.of(a.userId));
    const fromB = await until('one delivery for the receiver', () => receiver.of(b.userId).length >= 1 && receiver.of(b.userId));
    for (const r of [...fromA, ...fromB]) {
      expect(verify(secret, r.headers['dompet-signature'], r.raw)).toBe(true);
      expect(verify('whsec_wrong', r.headers['dompet-signature'], r.raw)).toBe(false);
      expect(r.headers['dompet-signature']).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['dompet-event-id']).toBe(r.body.event_id);
      expect(r.headers['dompet-event-type']).toBe(r.body.type);
    }
    expect(fromA.map((r) => [r.body.id, r.body.type])).toEqual([
      ['1', 'topup.succeeded'],
      ['2', 'transfer.pending'],
      ['2.1', 'transfer.succeeded'],
    ]);
    expect(fromA[2].body).toMatchObject({ event_id: `${tr.transfer_id}:SUCCEEDED`, user_id: a.userId });
    expect(fromA[0].body).toMatchObject({ event_id: `${a.userId}:000000000001`, user_id: a.userId, created_date: top.created_date });
    expect(fromA[0].body.data).toMatchObject({ top_up_id: top.top_up_id, status: 'SUCCESS', amount: 100000, balance_before: 0, balance_after: 100000 });
    expect(fromB[0].body).toMatchObject({ id: '1', type: 'transfer.received', user_id: b.userId });
    expect(fromB[0].body.data).toMatchObject({ transfer_id: tr.transfer_id, transaction_type: 'CREDIT', amount: 30000, counterparty_user_id: a.userId });

    // The same payload as the event stream gives.
    const stream = await openSse(t.baseUrl, '/events', a.auth);
    try {
      expect((await stream.waitFor(3)).map((m) => m.data)).toEqual(fromA.map((r) => r.raw));
    } finally {
      stream.close();
    }

    await sleep(700);
    expect(receiver.of(a.userId)).toHaveLength(3);
    const rows = (await log(id)).result as Array<Record<string, unknown>>;
    expect(rows.filter((r) => r.event_id === fromA[0].body.event_id)).toEqual([
      expect.objectContaining({ event_type: 'topup.succeeded', attempt: 1, status_code: 200, outcome: 'DELIVERED', manual: false, latency_ms: expect.any(Number), created_date: expect.any(String) }),
    ]);
    await t.http().delete(`/webhooks/${id}`).set(admin).expect(200);
  });

  it('retries a 500 with backoff until the receiver takes it; the duplicate carries the same event id; redelivery sends it again', async () => {
    const { receiver, id, secret } = await register(['payment.succeeded']);
    const u = await newUser(t);
    let failuresLeft = 2;
    receiver.respond = (r) => (r.body.user_id === u.userId && failuresLeft-- > 0 ? 500 : 200);
    await t.http().post('/topup').set(u.auth).send({ amount: 50000 }).expect(201);
    await t.http().post('/pay').set(u.auth).send({ amount: 1000, remarks: 'kopi' }).expect(201);

    const got = await until('three tries of the payment', () => receiver.of(u.userId).length >= 3 && receiver.of(u.userId));
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(got.every((r) => r.body.type === 'payment.succeeded')).toBe(true); // not subscribed to top-ups
    // A duplicate is recognised by its event id: same header, same body, fresh signature each time.
    expect(new Set(got.map((r) => r.headers['dompet-event-id'])).size).toBe(1);
    expect(new Set(got.map((r) => r.raw)).size).toBe(1);
    expect(got.every((r) => verify(secret, r.headers['dompet-signature'], r.raw))).toBe(true);
    const eventId = got[0].body.event_id;

    const attempts = await until('three attempts in the log', async () => {
      const rows = (await log(id, `?event_id=${encodeURIComponent(eventId)}`)).result as Array<Record<string, unknown>>;
      return rows.length >= 3 && rows;
    });
    expect(attempts.map((r) => [r.attempt, r.status_code, r.outcome])).toEqual([
      [3, 200, 'DELIVERED'],
      [2, 500, 'RETRYING'],
      [1, 500, 'RETRYING'],
    ]);

    // Redelivery: the same event id and body again, logged as a manual attempt.
    const deliveryId = attempts[0].delivery_id as string;
    expect(deliveryId).toBe(`${id}:${eventId}`);
    const re = await t.http().post(`/webhooks/${id}/deliveries/${deliveryId}/redeliver`).set(admin).expect(202);
    expect(re.body.result).toEqual({ delivery_id: deliveryId, event_id: eventId, event_type: 'payment.succeeded', status: 'QUEUED' });
    const again = await until('the redelivery', () => receiver.of(u.userId).length >= 4 && receiver.of(u.userId)[3]);
    expect(again.headers['dompet-event-id']).toBe(eventId);
    expect(again.raw).toBe(got[0].raw);
    expect(verify(secret, again.headers['dompet-signature'], again.raw)).toBe(true);
    const page = await until('the manual attempt in the log', async () => {
      const body = await log(id, `?event_id=${encodeURIComponent(eventId)}&limit=2`);
      return body.result[0]?.manual === true && body;
    });
    expect(page.result[0]).toMatchObject({ attempt: 4, manual: true, status_code: 200, outcome: 'DELIVERED' });
    expect(page.pagination).toEqual({ next_cursor: page.result[1].attempt_id, has_more: true });
    const next = await log(id, `?event_id=${encodeURIComponent(eventId)}&limit=2&cursor=${page.pagination.next_cursor}`);
    expect(next.result.map((r: { attempt: number }) => r.attempt)).toEqual([2, 1]);
    expect(next.pagination).toEqual({ next_cursor: null, has_more: false });

    await t.http().post(`/webhooks/${id}/deliveries/${id}:${u.userId}:000000000099/redeliver`).set(admin).expect(404);
    await t.http().delete(`/webhooks/${id}`).set(admin).expect(200);
  });

  it('delivers the status events too (wallet.frozen, wallet.unfrozen), through the same doorbell', async () => {
    const { receiver, id, secret } = await register(['wallet.frozen', 'wallet.unfrozen']);
    const u = await newUser(t);
    await t.http().post(`/users/${u.userId}/freeze`).set(admin).expect(200);
    await t.http().post(`/users/${u.userId}/unfreeze`).set(admin).expect(200);
    const got = await until('the freeze and the unfreeze', () => receiver.of(u.userId).length >= 2 && receiver.of(u.userId));
    expect(got.map((r) => [r.body.id, r.body.type])).toEqual([
      ['0.1', 'wallet.frozen'],
      ['0.2', 'wallet.unfrozen'],
    ]);
    expect(got.every((r) => verify(secret, r.headers['dompet-signature'], r.raw) && r.headers['dompet-event-id'] === r.body.event_id)).toBe(true);
    await t.http().delete(`/webhooks/${id}`).set(admin).expect(200);
  });

  it('marks a delivery FAILED once the retry window is over, and counts deliveries and events in the metrics', async () => {
    const { receiver, id } = await register(['topup.succeeded']);
    receiver.respond = () => 500;
    const u = await newUser(t);
    await t.http().post('/topup').set(u.auth).send({ amount: 1000 }).expect(201);
    const rows = await until(
      'the final attempt',
      async () => {
        const body = await log(id);
        return body.result[0]?.outcome === 'FAILED' && (body.result as Array<Record<string, unknown>>);
      },
      20_000,
    );
    // 2 s of retries at 100, 200, 400, 400, 400, 400 ms: seven attempts, the last one FAILED.
    expect(rows.map((r) => r.outcome)).toEqual(['FAILED', ...Array(6).fill('RETRYING')]);
    expect(rows.map((r) => r.attempt)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(rows.every((r) => r.status_code === 500)).toBe(true);
    await sleep(500);
    expect(receiver.of(u.userId)).toHaveLength(7);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^dompet_webhook_deliveries_total\{outcome="FAILED"\} [1-9]/m);
    expect(metrics).toMatch(/^dompet_webhook_deliveries_total\{outcome="DELIVERED"\} [1-9]/m);
    expect(metrics).toMatch(/^dompet_webhook_events_dispatched_total\{type="topup\.succeeded"\} [1-9]/m);
    await t.http().delete(`/webhooks/${id}`).set(admin).expect(200);
  });

  /**
   * With every doorbell silent (the ledger's and the status events'), a top-up of `amount` must still
   * reach the receiver: only the periodic catch-up can find it.
   */
  async function deliveredByCatchUp(amount: number, timeoutMs: number): Promise<void> {
    const { receiver, id } = await register(['topup.succeeded']);
    const ring = jest.spyOn(LedgerDoorbell.prototype, 'ring').mockImplementation(() => undefined);
    try {
      const u = await newUser(t);
      await t.http().post('/topup').set(u.auth).send({ amount }).expect(201);
      const [r] = await until('the delivery found by the catch-up', () => receiver.of(u.userId).length >= 1 && receiver.of(u.userId), timeoutMs);
      expect(r.body).toMatchObject({ type: 'topup.succeeded', user_id: u.userId, data: { amount } });
      expect(ring).toHaveBeenCalled();
    } finally {
      ring.mockRestore();
    }
    await t.http().delete(`/webhooks/${id}`).set(admin).expect(200);
  }

  itInProcess('internals', 'still delivers when the doorbell is not rung: the periodic catch-up finds the event', () => deliveredByCatchUp(7000, 10_000));

  itInProcess('internals', 'still delivers by the catch-up after Redis lost its data: its schedule comes back by itself', async () => {
    // Every key of this app goes, the catch-up's schedule with them.
    await deleteRedisKeys(t.app.get(REDIS), t.config.redisPrefix);
    await deliveredByCatchUp(6000, 15_000);
  }, 30_000);

  itInProcess('internals', 'queues and sends one delivery per event however often, and however concurrently, dispatch and delivery run', async () => {
    const { receiver, id } = await register(['topup.succeeded']);
    const queue = t.app.get<Queue>(getQueueToken(WEBHOOK_QUEUE));
    const bus = t.app.get(CommandBus);
    const u = await newUser(t);
    await queue.pause(true);
    let deliveryId: string;
    try {
      await t.http().post('/topup').set(u.auth).send({ amount: 4000 }).expect(201);
      const created = await Promise.all(Array.from({ length: 6 }, () => bus.execute(new DispatchWalletEventsCommand(u.userId))));
      deliveryId = `${id}:${u.userId}:000000000001`;
      // The doorbell's own dispatch may have created it first: one creation at most among them all.
      expect(created.reduce<number>((a, b) => a + (b ?? 0), 0)).toBeLessThanOrEqual(1);
      expect(await t.db.collection('webhook_deliveries').countDocuments({ endpoint_id: id })).toBe(1);
      expect((await queue.getJobs(['waiting', 'active', 'delayed'])).filter((j) => j.id === deliveryId)).toHaveLength(1);
    } finally {
      await queue.resume(true);
    }
    await until('the delivery', () => receiver.of(u.userId).length >= 1);
    // Duplicate runs of the job once it is delivered send nothing.
    expect(await Promise.all([1, 2, 3].map((n) => bus.execute(new DeliverWebhookCommand(deliveryId, n, false, false))))).toEqual(['SKIPPED', 'SKIPPED', 'SKIPPED']);
    await bus.execute(new DispatchWalletEventsCommand(u.userId));
    await sleep(700);
    expect(receiver.of(u.userId)).toHaveLength(1);
    await t.http().delete(`/webhooks/${id}`).set(admin).expect(200);
  });

  it('sends nothing more to a deleted endpoint, and nothing older than its registration', async () => {
    const u = await newUser(t);
    await t.http().post('/topup').set(u.auth).send({ amount: 1000 }).expect(201);
    await sleep(1100);
    const { receiver, id } = await register(['topup.succeeded']);
    await t.http().post('/topup').set(u.auth).send({ amount: 2000 }).expect(201);
    const [first] = await until('the top-up after registration', () => receiver.of(u.userId).length >= 1 && receiver.of(u.userId));
    expect(first.body.data).toMatchObject({ amount: 2000 });
    expect((await t.http().delete(`/webhooks/${id}`).set(admin).expect(200)).body.result).toEqual({ webhook_id: id, deleted: true });
    await t.http().post('/topup').set(u.auth).send({ amount: 3000 }).expect(201);
    await sleep(1500);
    expect(receiver.of(u.userId).map((r) => r.body.data.amount)).toEqual([2000]);
    expect(((await t.http().get('/webhooks').set(admin).expect(200)).body.result as Array<{ webhook_id: string }>).map((w) => w.webhook_id)).not.toContain(id);
  });
});

describeInProcess('config', 'webhooks: SSRF targets refused in production', () => {
  let t: TestApp;
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = await createTestApp({
      label: 'webhooks-prod',
      env: { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-for-this-test-0123456789abcdef', ADMIN_PIN: '135792', WEBHOOK_BACKOFF_MS: '100', WEBHOOK_RETRY_WINDOW_SECONDS: '0' },
    });
    admin = await adminAuth(t);
  });

  afterAll(async () => {
    if (t) await t.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.1.2.3/hook',
    'http://192.168.0.10/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:3000/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fd00::1]/hook',
    'http://0.0.0.0:3000/',
    'http://localhost:3000/hook',
  ])('refuses %s at registration (400 WEBHOOK_URL_REFUSED)', async (url) => {
    const res = await t.http().post('/webhooks').set(admin).send({ url, event_types: ['*'] }).expect(400);
    expect(res.body).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', message: expect.stringMatching(/private, loopback or link-local/), errors: { url: [expect.any(String)] } });
  });

  itInProcess('database', 'refuses a private target again at delivery time (an endpoint whose address became private)', async () => {
    const receiver = await new Receiver().start();
    try {
      // As if its name had been re-pointed at an internal address after registration.
      await t.db.collection('webhook_endpoints').insertOne({
        _id: '019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f',
        url: receiver.url,
        event_types: ['*'],
        secret: 'whsec_x',
        description: '',
        created_by: 'test',
        created_at: new Date(Date.now() - 2000),
      } as never);
      const u = await newUser(t);
      await t.http().post('/topup').set(u.auth).send({ amount: 1000 }).expect(201);
      const rows = await until('the refused attempt', async () => {
        const body = (await t.http().get('/webhooks/019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f/deliveries').set(admin).expect(200)).body;
        return body.result.length >= 1 && body.result;
      });
      expect(rows[0]).toMatchObject({ event_type: 'topup.succeeded', status_code: null, outcome: 'FAILED', error: expect.stringMatching(/^refused: 127\.0\.0\.1/) });
      await sleep(300);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.stop();
    }
  });
});
