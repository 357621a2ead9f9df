import { verifyLedger } from '../../src/modules/reconciliation';
import { countStatus, eventProblems, exactlyOnceProblems, pendingTransferIds, Settled, statusCounts, waitUntil } from './support/checks';
import { Account, balanceOf, createAccount, mapLimit, Reply, transfer } from './support/client';
import { ServiceCluster, ServiceProcess } from './support/cluster';

const TRANSFERS = 150;
const USERS = 10;
const TOP_UP = 500_000;
/** The worker is killed once this many transfers have been accepted: the ones after them wait in the queue. */
const STOP_WORKER_AFTER = 20;
/** Redis is flushed once this many transfers have been accepted, with that backlog still queued. */
const FLUSH_AFTER = 60;
/** Transfers sent at once: also the most one `execute-transfers` job can carry here. */
const IN_FLIGHT = 6;

const note = (line: string) => process.stdout.write(`[fault:redis-flush] ${line}\n`);

describe("fault: the deployment's Redis data is flushed in the middle of a batch", () => {
  let cluster: ServiceCluster;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let workerStopped: Promise<void> | null = null;

  beforeAll(async () => {
    // One job at a time; a fast sweep. The worker is killed for a while (below), so that a backlog of queued
    // jobs exists when Redis loses them, however fast it settles.
    cluster = await ServiceCluster.create('faultflush', { ACCESS_TOKEN_TTL_SECONDS: '3600', TRANSFER_CONCURRENCY: '1', SWEEP_INTERVAL_MS: '1000', SWEEP_MIN_AGE_MS: '2000' });
    [api, worker] = await Promise.all([cluster.startApi('api'), cluster.startWorker('worker')]);
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  }, 60_000);

  it('the recovery sweep re-enqueues the lost jobs and every transfer settles exactly once', async () => {
    const users: Account[] = await mapLimit(Array.from({ length: USERS }), 4, () => createAccount(api.baseUrl!, TOP_UP));
    const plan = Array.from({ length: TRANSFERS }, (_, i) => ({ from: users[i % USERS], to: users[(i + 1 + (i % (USERS - 1))) % USERS], amount: 100 + i }));

    // Transfers answered 202 before the flush were enqueued before it: their jobs are what Redis loses.
    const acceptedBeforeFlush = new Set<string>();
    let flushing = false;
    let flushed!: () => void;
    const flushDone = new Promise<void>((r) => (flushed = r));
    const submission = mapLimit(plan, IN_FLIGHT, async (t): Promise<Reply> => {
      const reply = await transfer(api.baseUrl!, t.from, t.to, t.amount);
      if (reply.status === 202 && !flushing) acceptedBeforeFlush.add(reply.body.result.transfer_id);
      if (acceptedBeforeFlush.size >= STOP_WORKER_AFTER && !workerStopped) workerStopped = worker.kill('SIGKILL');
      if (acceptedBeforeFlush.size >= FLUSH_AFTER && !flushing) {
        flushing = true;
        await workerStopped;
        const deleted = await cluster.deleteRedisKeys();
        note(`deleted ${deleted} Redis keys of prefix ${cluster.config.redisPrefix} after ${acceptedBeforeFlush.size} accepted transfers`);
        flushed();
      }
      return reply;
    });
    await flushDone;
    const atFlush = await statusCounts(cluster.db);
    const pendingIds = await pendingTransferIds(cluster.db);
    const orphans = pendingIds.filter((id) => acceptedBeforeFlush.has(id));
    const withoutJob = (await Promise.all(orphans.map(async (id) => ((await cluster.queue.getJob(id)) ? null : id)))).filter(Boolean);
    note(`at the flush: ${atFlush.SUCCESS} SUCCESS, ${atFlush.PENDING} PENDING; ${orphans.length} accepted before it still pending, ${withoutJob.length} of them without a job`);
    expect(atFlush.SUCCESS).toBeGreaterThan(0);
    expect(withoutJob.length).toBeGreaterThan(0);
    // A worker again (whose sweep finds the transfers that lost their jobs).
    worker = await cluster.startWorker('worker-2');

    const replies = await submission;
    expect(replies.filter((r) => r.status !== 202).map((r) => [r.status, r.body])).toEqual([]);
    const ids = replies.map((r) => r.body.result.transfer_id as string);

    const started = Date.now();
    await waitUntil('every transfer settled', async () => (await countStatus(cluster.db, 'PENDING')) === 0, 120_000, 500);
    note(`all settled ${((Date.now() - started) / 1000).toFixed(1)} s after the submission ended`);
    expect(await statusCounts(cluster.db)).toEqual({ PENDING: 0, SUCCESS: TRANSFERS, FAILED: 0, total: TRANSFERS });

    // The lost jobs exist again: only the recovery sweep enqueues a transfer after the API did. The jobs
    // the worker (concurrency 1: one job of each kind) may have held during the flush, a transfer's own
    // job and an execute-transfers job of at most IN_FLIGHT transfers, settle without a job record.
    const recreated = (await Promise.all(withoutJob.map((id) => cluster.queue.getJob(id!)))).filter(Boolean).length;
    note(`${recreated} of ${withoutJob.length} lost jobs re-enqueued by the sweep`);
    expect(recreated).toBeGreaterThan(0);
    expect(withoutJob.length - recreated).toBeLessThanOrEqual(1 + IN_FLIGHT);

    expect(await exactlyOnceProblems(cluster.db, new Map<string, Settled>(ids.map((id) => [id, 'SUCCESS'])))).toEqual([]);
    expect(await eventProblems(cluster.db, api.baseUrl!, users, ids)).toEqual([]);
    const balances = await mapLimit(users, 4, (u) => balanceOf(api.baseUrl!, u));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(USERS * TOP_UP);
    const report = await verifyLedger(cluster.db, { maxBalance: cluster.config.maxBalance });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ totalBalance: USERS * TOP_UP, inFlight: 0 });
    expect(worker.alive && api.alive).toBe(true);
  }, 240_000);
});
