import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { KeyedJobs } from '../../../infrastructure/keyed-jobs';
import type { TransferDocument } from '../persistence/transfer.schemas';

export const TRANSFER_QUEUE = 'transfers';
export const EXECUTE_TRANSFER_JOB = 'execute-transfer';

export interface TransferJobData {
  transferId: string;
  /**
   * The record as the accepting request wrote it (dates as ISO strings), when that request inserted it:
   * the job's first attempt settles from it without reading the record (`acceptedRecordOf`).
   */
  accepted?: Record<string, unknown>;
}

/** The record a job carries, as a `TransferDocument` again (null when it carries none). */
export function acceptedRecordOf(data: TransferJobData): TransferDocument | null {
  const a = data.accepted as (Omit<TransferDocument, 'created_at' | 'updated_at' | 'completed_at'> & { created_at: string; updated_at: string }) | undefined;
  if (!a || a._id !== data.transferId || !a.debit_entry_id) return null;
  return { ...a, created_at: new Date(a.created_at), updated_at: new Date(a.updated_at), completed_at: null };
}

/** Puts transfers on the Bull queue; the job id is the transfer id, so a transfer has at most one live job. */
@Injectable()
export class TransferQueue {
  private readonly jobs: KeyedJobs<TransferJobData>;

  constructor(
    @InjectQueue(TRANSFER_QUEUE) queue: Queue<TransferJobData>,
    private readonly config: AppConfig,
  ) {
    this.jobs = new KeyedJobs(queue, EXECUTE_TRANSFER_JOB, config.enqueueTimeoutMs);
  }

  /** Adds the transfer's job, waiting `ENQUEUE_TIMEOUT_MS` at most (see `KeyedJobs.add`). */
  enqueue(transferId: string, accepted?: TransferDocument): Promise<void> {
    return this.jobs.add(transferId, accepted ? { transferId, accepted: JSON.parse(JSON.stringify(accepted)) as Record<string, unknown> } : { transferId }, this.options());
  }

  /** Enqueues unless a live job exists; a finished or lost job is replaced. Returns true when a job was added. */
  ensureQueued(transferId: string): Promise<boolean> {
    return this.jobs.ensureQueued(transferId, { transferId }, this.options());
  }

  private options(): JobOptions {
    return {
      attempts: this.config.transferAttempts,
      backoff: { type: 'exponential', delay: this.config.transferBackoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }
}
