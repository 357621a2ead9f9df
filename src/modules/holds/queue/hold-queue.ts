import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { KeyedJobs } from '../../../infrastructure/keyed-jobs';

export const HOLD_QUEUE = 'holds';
export const EXPIRE_HOLD_JOB = 'expire-hold';

export interface HoldJobData {
  holdId: string;
}

/**
 * The expiry of holds on the Bull queue: one delayed job per hold (job id = hold id), due at its
 * `expires_at`. The job only ever expires a hold nobody decided in time, and is safe to run any number
 * of times; the recovery sweep replaces a job that was lost.
 */
@Injectable()
export class HoldQueue {
  private readonly jobs: KeyedJobs<HoldJobData>;

  constructor(
    @InjectQueue(HOLD_QUEUE) queue: Queue<HoldJobData>,
    private readonly config: AppConfig,
  ) {
    this.jobs = new KeyedJobs(queue, EXPIRE_HOLD_JOB, config.enqueueTimeoutMs);
  }

  /** Schedules the hold's expiry, waiting `ENQUEUE_TIMEOUT_MS` at most (see `KeyedJobs.add`). */
  schedule(holdId: string, expiresAt: Date): Promise<void> {
    return this.jobs.add(holdId, { holdId }, this.options(expiresAt));
  }

  /** Schedules the hold unless a live job exists; a finished or lost job is replaced. True when a job was added. */
  ensureQueued(holdId: string, expiresAt: Date): Promise<boolean> {
    return this.jobs.ensureQueued(holdId, { holdId }, this.options(expiresAt));
  }

  private options(expiresAt: Date): JobOptions {
    return {
      delay: Math.max(0, new Date(expiresAt).getTime() - Date.now()),
      attempts: this.config.transferAttempts,
      backoff: { type: 'exponential', delay: this.config.transferBackoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }
}
