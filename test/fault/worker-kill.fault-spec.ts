import { verifyLedger } from '../../src/modules/reconciliation';
import { countStatus, eventProblems, exactlyOnceProblems, Settled, statusCounts, waitUntil } from './support/checks';
import { Account, balanceOf, createAccount, mapLimit, Reply, transfer } from './support/client';
import { ServiceCluster, ServiceProcess } from './support/cluster';

const TRANSFERS = 1000;
const USERS = 20;
const TOP_UP = 1_000_000;
/** The worker is killed once this many transfers have settled: mid-way through the batch. */
const KILL_AFTER = 200;

const note = (line: string) => process.stdout.write(`[fault:worker-kill] ${line}\n`);

describe('fault: the worker is killed (SIGKILL) in the middle of 1,000 queued transfers', () => {
  let cluster: ServiceCluster;
  let api: ServiceProcess;

  beforeAll(async () => {
    cluster = await ServiceCluster.create('faultkill', { ACCESS_TOKEN_TTL_SECONDS: '3600', SWEEP_INTERVAL_MS: '2000', SWEEP_MIN_AGE_MS: '10000' });
    api = await cluster.startApi('api');
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  }, 60_000);

  it('a new worker settles every transfer exactly once: one credit each, no refund, money conserved, one event per change', async () => {
    const started = Date.now();
    const users: Account[] = await mapLimit(Array.from({ length: USERS }), 4, () => createAccount(api.baseUrl!, TOP_UP));
    let worker = await cluster.startWorker('worker-1');

    const plan = Array.from({ length: TRANSFERS }, (_, i) => {
      const from = i % USERS;
      const to = (from + 1 + ((i * 7) % (USERS - 1))) % USERS;
      return { from: users[from], to: users[to], amount: 1 + ((i * 37) % 1000) };
    });
    let submitted = 0;
    const submission = mapLimit(plan, 8, async (t): Promise<Reply> => {
      const reply = await transfer(api.baseUrl!, t.from, t.to, t.amount);
      submitted++;
      return reply;
    });

    // Kill the worker once some transfers have settled, while others are still queued.
    await waitUntil(`${KILL_AFTER} settled transfers`, async () => (await countStatus(cluster.db, 'SUCCESS')) >= KILL_AFTER, 120_000, 200);
    await worker.kill('SIGKILL');
    expect((await worker.exited).signal).toBe('SIGKILL');
    const atKill = await statusCounts(cluster.db);
    const interrupted = await cluster.queue.getActiveCount();
    note(`killed worker ${worker.pid} after ${((Date.now() - started) / 1000).toFixed(1)} s: ${submitted} submitted, ${atKill.SUCCESS} SUCCESS, ${atKill.PENDING} PENDING, ${interrupted} job(s) left active`);
    expect(atKill.SUCCESS).toBeGreaterThan(0);
    expect(atKill.SUCCESS).toBeLessThan(TRANSFERS);
    expect(atKill.PENDING).toBeGreaterThan(0);
    expect(atKill.FAILED).toBe(0);

    worker = await cluster.startWorker('worker-2');
    const replies = await submission;
    const rejected = replies.filter((r) => r.status !== 202);
    expect(rejected.map((r) => [r.status, r.body])).toEqual([]);
    const ids = replies.map((r) => r.body.result.transfer_id as string);
    expect(new Set(ids).size).toBe(TRANSFERS);

    // Jobs that were active in the killed worker come back through Bull's stalled-job check.
    const settledAfter = Date.now();
    await waitUntil('every transfer settled', async () => (await countStatus(cluster.db, 'PENDING')) === 0, 150_000, 500);
    note(`all ${TRANSFERS} settled ${((Date.now() - settledAfter) / 1000).toFixed(1)} s after the submission ended; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(await statusCounts(cluster.db)).toEqual({ PENDING: 0, SUCCESS: TRANSFERS, FAILED: 0, total: TRANSFERS });

    const expected = new Map<string, Settled>(ids.map((id) => [id, 'SUCCESS']));
    expect(await exactlyOnceProblems(cluster.db, expected)).toEqual([]);
    expect(await cluster.db.collection('ledger_entries').countDocuments({ entry_type: 'TRANSFER_IN' })).toBe(TRANSFERS);
    expect(await cluster.db.collection('ledger_entries').countDocuments({ entry_type: 'TRANSFER_REFUND' })).toBe(0);
    // One event per change, as the users' streams show it: exactly one transfer.succeeded per transfer
    // (the killed worker's interrupted settlements included), one transfer.pending, one transfer.received.
    expect(await eventProblems(cluster.db, api.baseUrl!, users, ids)).toEqual([]);
    expect(await cluster.db.collection('status_events').countDocuments({ type: 'transfer.succeeded' })).toBe(TRANSFERS);

    const balances = await mapLimit(users, 4, (u) => balanceOf(api.baseUrl!, u));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(USERS * TOP_UP);
    const report = await verifyLedger(cluster.db, { maxBalance: cluster.config.maxBalance });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ totalBalance: USERS * TOP_UP, inFlight: 0 });
    expect(worker.alive && api.alive).toBe(true);
  }, 300_000);
});
