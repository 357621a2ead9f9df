import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { GROUP_COMMIT, InsertBatcher } from '../../src/common/database/insert-batcher';
import { describeWithDatabase, itInProcess } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';

const state = process.env.DOMPET_SERVICES_STATE;
function services(command: 'redis-stop' | 'redis-start') {
  if (!state) throw new Error('DOMPET_SERVICES_STATE is not set: run this suite through `npm test`, which owns the servers.');
  execFileSync('bash', ['scripts/services.sh', command, '--state', state!], { stdio: 'pipe', timeout: 30000 });
}
async function waitForStatus(t: TestApp, path: string, status: number, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http().get(path);
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('foundation: a live service on real FerretDB and Redis', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'foundation' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers liveness and readiness with both dependencies up', async () => {
    await t.http().get('/health/live').expect(200, { status: 'SUCCESS', result: { alive: true } });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'SUCCESS', result: { mongodb: 'up', redis: 'up' } });
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.http().get('/health/live').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.http().get('/health/live');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Swagger UI and the OpenAPI document with the Bearer scheme', async () => {
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('exposes Prometheus metrics', async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('answers an unknown route with the error envelope', async () => {
    const res = await t.http().get('/no-such-route').expect(404);
    expect(res.body).toEqual({ message: 'Route GET /no-such-route not found', code: 'NOT_FOUND' });
  });

  it('answers malformed JSON and oversized bodies with 400, never a stack trace', async () => {
    const bad = await t.http().post('/login').set('Content-Type', 'application/json').send('{"phone_number": ');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ message: 'Malformed JSON body', code: 'MALFORMED_JSON' });
    const big = await t.http().post('/login').set('Content-Type', 'application/json').send(JSON.stringify({ x: 'y'.repeat(200_000) }));
    expect(big.status).toBe(400);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(JSON.stringify(big.body)).not.toMatch(/at .*\.js|stack/i);
  });

  // Needs the servers started by `npm test` (scripts/test.sh exports DOMPET_SERVICES_STATE).
  itInProcess('redis', 'turns not ready (503) while Redis is down, and ready again when it is back', async () => {
    services('redis-stop');
    try {
      const down = await waitForStatus(t, '/health/ready', 503);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ code: 'NOT_READY', checks: { mongodb: 'up', redis: 'down' } });
      expect(down.body.message).toBe('Not ready: redis is down');
    } finally {
      services('redis-start');
    }
    const up = await waitForStatus(t, '/health/ready', 200);
    expect(up.status).toBe(200);
  });
});

/**
 * The local database (FerretDB 1.24 on PostgreSQL, built by scripts/lib/ferretdb.sh) must answer the
 * write shapes the service sends under load. FerretDB reads an update's matches through one PostgreSQL
 * connection and writes them through another; unpatched, it keeps each statement's read open until the
 * whole command ends. One `bulkWrite` of 50 or more matching updates (the shape of the service's grouped
 * status writes: up to 64 per command) or 50 concurrent updates then wait forever for a connection from
 * its pool of 50, and FerretDB answers nothing more, to anyone.
 * scripts/lib/ferretdb-1.24-release-reads.patch closes the read before the write.
 */
const POOL = 50; // FerretDB's default pool_max_conns for its PostgreSQL connections
const WITHIN_MS = 30_000;

function within<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${WITHIN_MS} ms (the database waits for a connection)`)), WITHIN_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describeWithDatabase('the local database answers writes that need more connections than its pool holds', () => {
  let client: MongoClient;
  const dbName = `dompet_e2e_connections_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const uri = process.env.MONGODB_URI;
    if (!uri) throw new Error('MONGODB_URI is not set: run this suite through `npm test`, which owns the servers.');
    // One driver connection per concurrent operation, so that they all reach the database at once.
    client = await MongoClient.connect(uri, { maxPoolSize: 4 * POOL });
  });

  afterAll(async () => {
    if (!client) return;
    await within('dropDatabase', client.db(dbName).dropDatabase()).catch(() => undefined);
    await client.close(true);
  }, 2 * WITHIN_MS);

  it(`one bulkWrite of ${2 * POOL + 20} matching updateOne statements is applied and answered`, async () => {
    const docs = client.db(dbName).collection<{ _id: number; n: number }>('bulk');
    const count = 2 * POOL + 20;
    await docs.insertMany(Array.from({ length: count }, (_, i) => ({ _id: i, n: 0 })));

    const res = await within(
      'bulkWrite',
      docs.bulkWrite(
        Array.from({ length: count }, (_, i) => ({ updateOne: { filter: { _id: i }, update: { $inc: { n: 1 } } } })),
        { ordered: false },
      ),
    );

    expect(res.matchedCount).toBe(count);
    expect(res.modifiedCount).toBe(count);
    expect(await docs.countDocuments({ n: 1 })).toBe(count);
  });

  it(`${3 * POOL} concurrent updateOne, findOneAndUpdate and findOneAndDelete calls are each applied once and answered`, async () => {
    const docs = client.db(dbName).collection<{ _id: number; n: number }>('concurrent');
    const each = POOL;
    await docs.insertMany(Array.from({ length: 3 * each }, (_, i) => ({ _id: i, n: 0 })));

    const results = await within(
      'concurrent updates',
      Promise.all([
        ...Array.from({ length: each }, (_, i) => docs.updateOne({ _id: i }, { $inc: { n: 1 } }).then((r) => r.modifiedCount)),
        ...Array.from({ length: each }, (_, i) =>
          docs.findOneAndUpdate({ _id: each + i }, { $inc: { n: 1 } }).then((r) => (r ? 1 : 0)),
        ),
        ...Array.from({ length: each }, (_, i) => docs.findOneAndDelete({ _id: 2 * each + i }).then((r) => (r ? 1 : 0))),
      ]),
    );

    expect(results).toEqual(Array.from({ length: 3 * each }, () => 1));
    expect(await docs.countDocuments({ n: 1 })).toBe(2 * each);
    expect(await docs.countDocuments({})).toBe(2 * each);
  });
});

/**
 * Two processes' group commits racing for the same keys (an API's debits and a worker's credits for the
 * same wallets' next slots). PostgreSQL, behind FerretDB, inserts a batch's rows in the order sent and
 * makes an insert wait for another transaction's uncommitted row with the same unique key: two batches
 * in opposite orders wait for each other until its deadlock check (1 s) aborts one. `InsertBatcher`
 * sends every batch sorted by `_id`, so the later batch only waits for the earlier one's commit.
 * PostgreSQL logs each deadlock it breaks, in the server log of the servers `npm test` started.
 */
describeWithDatabase('group commits of two processes inserting the same keys', () => {
  const clients: MongoClient[] = [];
  const dbName = `dompet_e2e_key_order_${randomUUID().slice(0, 8)}`;
  const serverLog = () => {
    if (!state) throw new Error('DOMPET_SERVICES_STATE is not set: run this suite through `npm test`, which owns the servers.');
    return readFileSync(join(state, 'postgres', 'server.log'), 'utf8');
  };
  const deadlocks = () => serverLog().split('deadlock detected').length - 1;

  beforeAll(async () => {
    const uri = process.env.MONGODB_URI;
    if (!uri) throw new Error('MONGODB_URI is not set: run this suite through `npm test`, which owns the servers.');
    for (let i = 0; i < 2; i++) clients.push(await MongoClient.connect(uri));
  });

  afterAll(async () => {
    await clients[0]?.db(dbName).dropDatabase().catch(() => undefined);
    for (const c of clients) await c.close(true);
  });

  it('take them in one order: each key inserted once, and no deadlock for PostgreSQL to break', async () => {
    const [a, b] = clients.map((c) => new InsertBatcher<{ _id: string }>(c.db(dbName).collection('claims'), GROUP_COMMIT));
    const before = deadlocks();
    for (let round = 0; round < 40; round++) {
      const ids = Array.from({ length: 48 }, (_, i) => `${round}:${String(i).padStart(2, '0')}`);
      // One batch each, the same keys, enqueued in opposite orders.
      const [fromA, fromB] = await Promise.all([Promise.all(ids.map((_id) => a.insert({ _id }))), Promise.all([...ids].reverse().map((_id) => b.insert({ _id })))]);
      const byB = [...fromB].reverse();
      expect(ids.filter((_, i) => fromA[i] === byB[i])).toEqual([]);
    }
    expect(await clients[0].db(dbName).collection('claims').countDocuments({})).toBe(40 * 48);
    expect(deadlocks() - before).toBe(0);
  });
});
