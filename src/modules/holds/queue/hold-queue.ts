import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';

export const HOLD_QUEUE = 'holds';
export const EXPIRE_HOLD_JOB = 'expire-hold';

export interface HoldJobData {
  holdId: string;
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'paused']);
const STUCK_RECHECK_MS = 200;

/**
 * The expiry of holds on the Bull queue: one delayed job per hold (job id = hold id), due at its
 * `expires_at`. The job only ever expires a hold nobody decided in time, and is safe to run any number
 * of times; the recovery sweep replaces a job that was lost.
 */
@Injectable()
export class HoldQueue {
  private readonly logger = new Logger(HoldQueue.name);

  constructor(
    @InjectQueue(HOLD_QUEUE) private readonly queue: Queue<HoldJobData>,
    private readonly config: AppConfig,
  ) {}

  /** Schedules the hold's expiry, bounded by `ENQUEUE_TIMEOUT_MS` (the add may still complete later: the job id makes it once). */
  async schedule(holdId: string, expiresAt: Date): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the queue did not take the job within ${this.config.enqueueTimeoutMs} ms`)), this.config.enqueueTimeoutMs);
    });
    try {
      await Promise.race([this.add(holdId, expiresAt), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async add(holdId: string, expiresAt: Date): Promise<void> {
    await this.queue.add(EXPIRE_HOLD_JOB, { holdId }, {
      jobId: holdId,
      delay: Math.max(0, new Date(expiresAt).getTime() - Date.now()),
      attempts: this.config.transferAttempts,
      backoff: { type: 'exponential', delay: this.config.transferBackoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Schedules the hold unless a live job exists; a finished or lost job is replaced. True when a job was added. */
  async ensureQueued(holdId: string, expiresAt: Date): Promise<boolean> {
    const job = await this.queue.getJob(holdId);
    if (job) {
      let state = await job.getState();
      if (state === 'stuck') {
        await new Promise((resolve) => setTimeout(resolve, STUCK_RECHECK_MS));
        state = await job.getState();
      }
      if (LIVE_STATES.has(state)) return false;
      await job.remove().catch((err: Error) => this.logger.warn(`could not remove old job ${holdId}: ${err.message}`));
    }
    await this.schedule(holdId, expiresAt);
    return true;
  }
}
