import type { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bull';
import type { AppConfig } from '../../../config/app-config';
import type { ExecuteTransferCommand } from '../commands/execute-transfer/execute-transfer.command';
import { TransferProcessor } from './transfer.processor';
import type { TransferBatchJobData, TransferQueue } from './transfer-queue';

const accepted = (id: string) => ({ _id: id, debit_entry_id: `w:${id}`, created_at: '2026-11-28T00:00:00.000Z', updated_at: '2026-11-28T00:00:00.000Z' });

function processorWith(execute: (cmd: ExecuteTransferCommand) => Promise<{ status: string }>, retryAlone: (id: string) => Promise<boolean>) {
  const commands = { execute } as unknown as CommandBus;
  return new TransferProcessor(commands, null as never, {} as AppConfig, { retryAlone } as unknown as TransferQueue);
}

const batchJob = (ids: string[], attemptsMade = 0) =>
  ({ id: `batch-${ids[0]}`, attemptsMade, data: { transfers: ids.map((id) => ({ transferId: id, accepted: accepted(id) })) } }) as unknown as Job<TransferBatchJobData>;

describe('TransferProcessor, execute-transfers jobs', () => {
  it('runs every transfer of the job at once, each from the record the job carries', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const processor = processorWith(
      async (cmd) => {
        started.push(`${cmd.transferId}:${cmd.accepted?._id}`);
        await gate;
        return { status: 'SUCCESS' };
      },
      async () => true,
    );
    const done = processor.handleBatch(batchJob(['t1', 't2', 't3']));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['t1:t1', 't2:t2', 't3:t3']);
    release();
    expect(await done).toEqual({ statuses: { t1: 'SUCCESS', t2: 'SUCCESS', t3: 'SUCCESS' } });
  });

  it('hands a transfer whose run failed to a job of its own, and completes for the others', async () => {
    const alone: string[] = [];
    const processor = processorWith(
      async (cmd) => {
        if (cmd.transferId === 't2') throw new Error('the database is down');
        return { status: 'SUCCESS' };
      },
      async (id) => {
        alone.push(id);
        return true;
      },
    );
    expect(await processor.handleBatch(batchJob(['t1', 't2', 't3']))).toEqual({ statuses: { t1: 'SUCCESS', t2: 'RETRIED_ALONE', t3: 'SUCCESS' } });
    expect(alone).toEqual(['t2']);
  });

  it('fails (for Bull to run it again) when the hand-off fails too', async () => {
    const processor = processorWith(
      async () => Promise.reject(new Error('the database is down')),
      async () => Promise.reject(new Error('Redis is down')),
    );
    await expect(processor.handleBatch(batchJob(['t1']))).rejects.toThrow('Redis is down');
  });

  it('reads the records again on a later attempt (another run may have settled them)', async () => {
    const given: (string | undefined)[] = [];
    const processor = processorWith(
      async (cmd) => {
        given.push(cmd.accepted?._id);
        return { status: 'SUCCESS' };
      },
      async () => true,
    );
    await processor.handleBatch(batchJob(['t1', 't2'], 1));
    expect(given).toEqual([undefined, undefined]);
  });
});
