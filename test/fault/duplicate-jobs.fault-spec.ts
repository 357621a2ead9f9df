import type { Job } from 'bull';
import { EXECUTE_TRANSFER_JOB, EXECUTE_TRANSFERS_JOB, TransferBatchJobData, TransferJobData } from '../../src/modules/transfers/queue/transfer-queue';
import { verifyLedger } from '../../src/modules/reconciliation';
import { eventProblems, exactlyOnceProblems, Settled, statusCounts, waitUntil } from './support/checks';
import { Account, balanceOf, createAccount, mapLimit, transfer } from './support/client';
import { ServiceCluster, ServiceProcess } from './support/cluster';

const TRANSFERS = 60;
const USERS = 10;
const TOP_UP = 500_000;

const note = (line: string) => process.stdout.write(`[fault:duplicate-jobs] ${line}\n`);

describe('fault: the same transfer job delivered several times to two workers on one queue', () => {
  let cluster: ServiceCluster;
  let api: ServiceProcess;
  let workers: ServiceProcess[];

  beforeAll(async () => {
    cluster = await ServiceCluster.create('faultdup', { ACCESS_TOKEN_TTL_SECONDS: '3600' });
    [api, ...workers] = await Promise.all([cluster.startApi('api'), cluster.startWorker('worker-1'), cluster.startWorker('worker-2')]);
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  }, 60_000);

  /** Waits until no job is waiting, active, delayed or paused. */
  const drained = () =>
    waitUntil('the queue to drain', async () => {
      const c = await cluster.queue.getJobCounts();
      return c.waiting + c.active + c.delayed + (await cluster.queue.getPausedCount()) === 0;
    }, 120_000, 250);

  /** Every job given completed with the execution's answer SUCCESS for each of its transfers (none failed). */
  async function expectCompleted(jobs: Job[]) {
    const states = await Promise.all(jobs.map(async (j) => ({ id: j.id, state: await j.getState(), value: (await cluster.queue.getJob(j.id))?.returnvalue })));
    const succeeded = (v: { status?: string; statuses?: Record<string, string> } | undefined) =>
      v?.status === 'SUCCESS' || (v?.statuses !== undefined && Object.values(v.statuses).every((s) => s === 'SUCCESS'));
    expect(states.filter((s) => s.state !== 'completed' || !succeeded(s.value))).toEqual([]);
  }

  /** The transfers a job carries: its one transfer, or each of an `execute-transfers` job. */
  const carried = (j: Job) => (j.name === EXECUTE_TRANSFERS_JOB ? (j.data as TransferBatchJobData).transfers.map((t) => t.transferId) : [(j.data as TransferJobData).transferId]);

  it('runs each transfer exactly once however many copies of its job run, concurrently or after it settled', async () => {
    const users: Account[] = await mapLimit(Array.from({ length: USERS }), 4, () => createAccount(api.baseUrl!, TOP_UP));

    // 1. Copies delivered together: with the queue paused, the API's jobs (a transfer's own job, id =
    //    transfer id, or an execute-transfers job for the transfers accepted in one turn), a copy of each
    //    of those under another id, and two single-transfer copies per transfer queue up, then both
    //    workers take them at once.
    await cluster.queue.pause();
    const replies = await mapLimit(Array.from({ length: TRANSFERS }), 8, (_, i) => transfer(api.baseUrl!, users[i % USERS], users[(i + 1 + (i % (USERS - 1))) % USERS], 1000 + i));
    expect(replies.filter((r) => r.status !== 202).map((r) => [r.status, r.body])).toEqual([]);
    const ids = replies.map((r) => r.body.result.transfer_id as string);
    expect((await statusCounts(cluster.db)).PENDING).toBe(TRANSFERS);
    const fromApi = (await cluster.queue.getJobs(['paused'])) as Job[];
    expect(fromApi.flatMap(carried).sort()).toEqual([...ids].sort());
    const copies = (
      await Promise.all([
        ...fromApi.map((j) => cluster.queue.add(j.name, j.data, { jobId: `${j.id}-copy`, attempts: 3 })),
        ...ids.flatMap((id) => [1, 2].map((n) => cluster.queue.add(EXECUTE_TRANSFER_JOB, { transferId: id }, { jobId: `${id}-copy-${n}`, attempts: 3 }))),
      ])
    ) as Job[];
    expect(await cluster.queue.getPausedCount()).toBe(fromApi.length * 2 + TRANSFERS * 2);
    await cluster.queue.resume();
    await drained();
    expect(await statusCounts(cluster.db)).toEqual({ PENDING: 0, SUCCESS: TRANSFERS, FAILED: 0, total: TRANSFERS });
    await expectCompleted([...copies, ...fromApi]);
    const batches = fromApi.filter((j) => j.name === EXECUTE_TRANSFERS_JOB).length;
    note(`${TRANSFERS} transfers in ${fromApi.length} jobs from the API (${batches} of several transfers), ${copies.length} extra copies, two workers: all completed`);

    // 2. Jobs delivered again after the transfers settled: a completed job removed and re-added under
    //    the same id (what the recovery sweep does), and copies under new ids.
    const again = ids.slice(0, TRANSFERS / 2);
    const redelivered: Job[] = [];
    for (const id of again) {
      // A transfer accepted alone has a job under its id; one accepted with others, under its batch's.
      await (await cluster.queue.getJob(id))?.remove();
      redelivered.push(await cluster.queue.add(EXECUTE_TRANSFER_JOB, { transferId: id }, { jobId: id }));
      redelivered.push(await cluster.queue.add(EXECUTE_TRANSFER_JOB, { transferId: id }, { jobId: `${id}-late` }));
    }
    await drained();
    await expectCompleted(redelivered);
    expect(await cluster.queue.getFailedCount()).toBe(0);

    expect(await exactlyOnceProblems(cluster.db, new Map<string, Settled>(ids.map((id) => [id, 'SUCCESS'])))).toEqual([]);
    expect(await eventProblems(cluster.db, api.baseUrl!, users, ids)).toEqual([]);
    const balances = await mapLimit(users, 4, (u) => balanceOf(api.baseUrl!, u));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(USERS * TOP_UP);
    const report = await verifyLedger(cluster.db, { maxBalance: cluster.config.maxBalance });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ totalBalance: USERS * TOP_UP, inFlight: 0 });
    expect(workers.every((w) => w.alive)).toBe(true);
  }, 240_000);
});
