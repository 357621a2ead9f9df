import type { JobOptions, Queue } from 'bull';
import type { AppConfig } from '../../../config/app-config';
import { EXECUTE_TRANSFER_JOB, EXECUTE_TRANSFERS_JOB, MAX_TRANSFERS_PER_JOB, TransferQueue } from './transfer-queue';

const config = { enqueueTimeoutMs: 1000, transferAttempts: 5, transferBackoffMs: 500 } as AppConfig;

/** The adds a queue received: job name, data and options (the job id among them). */
function recordingQueue() {
  const adds: { name: string; data: unknown; opts: JobOptions }[] = [];
  const queue = {
    name: 'transfers',
    add: async (name: string, data: unknown, opts: JobOptions) => {
      adds.push({ name, data, opts });
      return { id: opts.jobId };
    },
    getJob: async () => null,
  } as unknown as Queue;
  return { queue, adds };
}

describe('TransferQueue', () => {
  it('puts the transfers enqueued in one turn in one execute-transfers job, and a lone one in its own job', async () => {
    const { queue, adds } = recordingQueue();
    const transfers = new TransferQueue(queue, config);
    await Promise.all(['t1', 't2', 't3'].map((id) => transfers.enqueue(id)));
    await transfers.enqueue('t4');
    expect(adds.map((a) => [a.name, a.opts.jobId, a.data])).toEqual([
      [EXECUTE_TRANSFERS_JOB, 'batch-t1', { transfers: [{ transferId: 't1' }, { transferId: 't2' }, { transferId: 't3' }] }],
      [EXECUTE_TRANSFER_JOB, 't4', { transferId: 't4' }],
    ]);
    expect(adds.every((a) => a.opts.attempts === 5)).toBe(true);
  });

  it(`splits a turn of more than ${MAX_TRANSFERS_PER_JOB} transfers over several jobs`, async () => {
    const { queue, adds } = recordingQueue();
    const transfers = new TransferQueue(queue, config);
    const ids = Array.from({ length: MAX_TRANSFERS_PER_JOB + 2 }, (_, i) => `t${i}`);
    await Promise.all(ids.map((id) => transfers.enqueue(id)));
    expect(adds.map((a) => [a.opts.jobId, (a.data as { transfers: unknown[] }).transfers.length])).toEqual([
      ['batch-t0', MAX_TRANSFERS_PER_JOB],
      [`batch-t${MAX_TRANSFERS_PER_JOB}`, 2],
    ]);
  });

  it('gives every caller of the turn the error of their job add', async () => {
    const queue = { name: 'transfers', add: async () => Promise.reject(new Error('Redis is down')) } as unknown as Queue;
    const transfers = new TransferQueue(queue, config);
    const outcomes = await Promise.allSettled(['t1', 't2'].map((id) => transfers.enqueue(id)));
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual(['Redis is down', 'Redis is down']);
  });

  it('retries a transfer alone in its own job, after the first backoff delay', async () => {
    const { queue, adds } = recordingQueue();
    expect(await new TransferQueue(queue, config).retryAlone('t9')).toBe(true);
    expect(adds.map((a) => [a.name, a.opts.jobId, a.opts.delay, a.data])).toEqual([[EXECUTE_TRANSFER_JOB, 't9', 500, { transferId: 't9' }]]);
  });
});
