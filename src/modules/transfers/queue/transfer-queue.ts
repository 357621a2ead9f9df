import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';

export const TRANSFER_QUEUE = 'transfers';
export const EXECUTE_TRANSFER_JOB = 'execute-transfer';

export interface TransferJobData {
  transferId: string;
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'paused']);
const STUCK_RECHECK_MS = 200;

/** Puts transfers on the Bull queue; the job id is the transfer id, so a transfer has at most one live job. */
@Injectable()
export class TransferQueue {
  private readonly logger = new Logger(TransferQueue.name);

  constructor(
    @InjectQueue(TRANSFER_QUEUE) private readonly queue: Queue<TransferJobData>,
    private readonly config: AppConfig,
  ) {}

  /**
   * Adds the transfer's job. Bull's Redis client waits for Redis without end, so the wait is bounded
   * (`ENQUEUE_TIMEOUT_MS`): past it this rejects, while the add may still complete once Redis answers
   * (the job id makes a second add of the same transfer a no-op, and its execution is idempotent).
   */
  async enqueue(transferId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the queue did not take the job within ${this.config.enqueueTimeoutMs} ms`)), this.config.enqueueTimeoutMs);
    });
    try {
      await Promise.race([this.add(transferId), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async add(transferId: string): Promise<void> {
    await this.queue.add(EXECUTE_TRANSFER_JOB, { transferId }, {
      jobId: transferId,
      attempts: this.config.transferAttempts,
      backoff: { type: 'exponential', delay: this.config.transferBackoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Enqueues unless a live job exists; a finished or lost job is replaced. Returns true when a job was added. */
  async ensureQueued(transferId: string): Promise<boolean> {
    const job = await this.queue.getJob(transferId);
    if (job) {
      let state = await job.getState();
      // Bull reads its lists one after another, so a job moving from waiting to active in between
      // reads as "stuck": look again before taking it for lost.
      if (state === 'stuck') {
        await new Promise((resolve) => setTimeout(resolve, STUCK_RECHECK_MS));
        state = await job.getState();
      }
      if (LIVE_STATES.has(state)) return false;
      await job.remove().catch((err: Error) => this.logger.warn(`could not remove old job ${transferId}: ${err.message}`));
    }
    await this.enqueue(transferId);
    return true;
  }
}
