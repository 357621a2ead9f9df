import { verifyLedger } from '../../src/modules/reconciliation';
import { waitUntil } from './support/checks';
import { Account, balanceOf, call, createAccount, mapLimit, Reply } from './support/client';
import { ServiceCluster, ServiceProcess } from './support/cluster';

const HOLDS = 300;
const USERS = 10;
const TOP_UP = 1_000_000;
/** The worker is killed once this many holds have expired: the others are due, or about to be. */
const KILL_AFTER = 40;

const note = (line: string) => process.stdout.write(`[fault:holds-worker-kill] ${line}\n`);

const countHolds = async (cluster: ServiceCluster, filter: Record<string, unknown>) => cluster.db.collection('holds').countDocuments(filter);

describe('fault: the worker is killed (SIGKILL) while holds fall due', () => {
  let cluster: ServiceCluster;
  let api: ServiceProcess;

  beforeAll(async () => {
    cluster = await ServiceCluster.create('faultholds', { ACCESS_TOKEN_TTL_SECONDS: '3600', SWEEP_INTERVAL_MS: '2000', SWEEP_MIN_AGE_MS: '5000' });
    api = await cluster.startApi('api');
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  }, 60_000);

  it('a new worker expires every hold exactly once: one release each, all money back, verifier clean', async () => {
    const started = Date.now();
    const users: Account[] = await mapLimit(Array.from({ length: USERS }), 4, () => createAccount(api.baseUrl!, TOP_UP));
    let worker = await cluster.startWorker('worker-1');

    const replies = await mapLimit(Array.from({ length: HOLDS }), 8, (_, i): Promise<Reply> =>
      call(api.baseUrl!, 'POST', '/holds', { token: users[i % USERS].token, body: { amount: 1 + ((i * 37) % 1000), remarks: `seat ${i}`, expires_in_seconds: 2 } }),
    );
    expect(replies.filter((r) => r.status !== 201).map((r) => [r.status, r.body])).toEqual([]);
    const ids = replies.map((r) => r.body.result.hold_id as string);
    expect(new Set(ids).size).toBe(HOLDS);

    await waitUntil(`${KILL_AFTER} expired holds`, async () => (await countHolds(cluster, { status: 'EXPIRED' })) >= KILL_AFTER, 60_000, 100);
    await worker.kill('SIGKILL');
    expect((await worker.exited).signal).toBe('SIGKILL');
    const atKill = await countHolds(cluster, { status: 'EXPIRED' });
    note(`killed worker ${worker.pid} after ${((Date.now() - started) / 1000).toFixed(1)} s with ${atKill} of ${HOLDS} holds expired`);
    expect(atKill).toBeLessThan(HOLDS);

    // Nobody expires holds while no worker runs: they stay PENDING past their expires_at.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stillPending = await countHolds(cluster, { status: 'PENDING' });
    expect(stillPending).toBeGreaterThan(0);

    worker = await cluster.startWorker('worker-2');
    const resumed = Date.now();
    await waitUntil('every hold expired and settled', async () => (await countHolds(cluster, { settled: true, status: 'EXPIRED' })) === HOLDS, 150_000, 500);
    note(`all ${HOLDS} expired ${((Date.now() - resumed) / 1000).toFixed(1)} s after the new worker started (${stillPending} were left pending)`);

    const outcomes = await cluster.db.collection('hold_outcomes').find({}).toArray();
    expect(outcomes).toHaveLength(HOLDS);
    expect(outcomes.every((o) => o.outcome === 'EXPIRED')).toBe(true);
    const releases = await cluster.db
      .collection('ledger_entries')
      .aggregate([{ $match: { entry_type: 'HOLD_RELEASE' } }, { $group: { _id: '$ref_id', n: { $sum: 1 } } }])
      .toArray();
    expect(releases).toHaveLength(HOLDS);
    expect(releases.every((r) => r.n === 1)).toBe(true);
    expect(await cluster.db.collection('ledger_entries').countDocuments({ entry_type: 'HOLD', status: 'FAILED' })).toBe(HOLDS);

    const balances = await mapLimit(users, 4, (u) => balanceOf(api.baseUrl!, u));
    expect(balances).toEqual(users.map(() => TOP_UP));
    const report = await verifyLedger(cluster.db, { maxBalance: cluster.config.maxBalance });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ totalBalance: USERS * TOP_UP, inFlight: 0, captured: 0 });
    expect(worker.alive && api.alive).toBe(true);
  }, 300_000);
});
