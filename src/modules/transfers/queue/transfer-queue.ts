import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { KeyedJobs } from '../../../infrastructure/keyed-jobs';
import type { TransferDocument } from '../persistence/transfer.schemas';

export const TRANSFER_QUEUE = 'transfers';
/** One transfer's job; its id is the transfer id. */
export const EXECUTE_TRANSFER_JOB = 'execute-transfer';
/** The transfers a process accepted in one turn of its event loop, in one job (`batch-<first transfer id>`). */
export const EXECUTE_TRANSFERS_JOB = 'execute-transfers';
/** Most transfers in one `execute-transfers` job. */
export const MAX_TRANSFERS_PER_JOB = 64;

export interface TransferJobData {
  transferId: string;
  /**
   * The record as the accepting request wrote it (dates as ISO strings), when that request inserted it:
   * the job's first attempt settles from it without reading the record (`acceptedRecordOf`).
   */
  accepted?: Record<string, unknown>;
}

/** An `execute-transfers` job: each transfer as a single job would carry it. */
export interface TransferBatchJobData {
  transfers: TransferJobData[];
}

/** The record a job carries, as a `TransferDocument` again (null when it carries none). */
export function acceptedRecordOf(data: TransferJobData): TransferDocument | null {
  const a = data.accepted as (Omit<TransferDocument, 'created_at' | 'updated_at' | 'completed_at'> & { created_at: string; updated_at: string }) | undefined;
  if (!a || a._id !== data.transferId || !a.debit_entry_id) return null;
  return { ...a, created_at: new Date(a.created_at), updated_at: new Date(a.updated_at), completed_at: null };
}

interface Turn {
  items: TransferJobData[];
  sent: Promise<void>;
}

/**
 * Puts transfers on the Bull queue. The transfers enqueued in one turn of the event loop (the requests
 * whose writes shared round trips) go in one `execute-transfers` job, so the worker settles them
 * together and their writes share round trips there too; a transfer enqueued alone gets its own
 * `execute-transfer` job, whose id is the transfer id (as every job the recovery sweep adds).
 */
@Injectable()
export class TransferQueue {
  private readonly jobs: KeyedJobs<TransferJobData>;
  private readonly batches: KeyedJobs<TransferBatchJobData>;
  private turn: Turn | null = null;

  constructor(
    @InjectQueue(TRANSFER_QUEUE) private readonly queue: Queue<TransferJobData>,
    private readonly config: AppConfig,
  ) {
    this.jobs = new KeyedJobs(queue, EXECUTE_TRANSFER_JOB, config.enqueueTimeoutMs);
    this.batches = new KeyedJobs(queue as unknown as Queue<TransferBatchJobData>, EXECUTE_TRANSFERS_JOB, config.enqueueTimeoutMs);
  }

  /**
   * Enqueues the transfer with the others of this turn, waiting `ENQUEUE_TIMEOUT_MS` at most (see
   * `KeyedJobs.add`); every caller of the turn gets the outcome of their job's add.
   */
  enqueue(transferId: string, accepted?: TransferDocument): Promise<void> {
    const data: TransferJobData = accepted ? { transferId, accepted: JSON.parse(JSON.stringify(accepted)) as Record<string, unknown> } : { transferId };
    if (!this.turn) {
      const items: TransferJobData[] = [];
      const sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.turn = null;
        return this.send(items);
      });
      this.turn = { items, sent };
    }
    this.turn.items.push(data);
    return this.turn.sent;
  }

  /** Enqueues unless a live job exists; a finished or lost job is replaced. Returns true when a job was added. */
  ensureQueued(transferId: string): Promise<boolean> {
    return this.jobs.ensureQueued(transferId, { transferId }, this.options());
  }

  /**
   * The transfers carried by `execute-transfers` jobs that are waiting, paused, delayed or active, among
   * the `limit` oldest of each state (the recovery sweep looks at the oldest unsettled transfers).
   */
  async inLiveBatches(limit: number): Promise<Set<string>> {
    const jobs = await this.queue.getJobs(['active', 'waiting', 'paused', 'delayed'], 0, limit - 1, true);
    const ids = new Set<string>();
    for (const job of jobs) {
      if (job?.name !== EXECUTE_TRANSFERS_JOB) continue;
      for (const t of (job.data as unknown as TransferBatchJobData).transfers) ids.add(t.transferId);
    }
    return ids;
  }

  /**
   * Gives a transfer whose run in an `execute-transfers` job failed its own job, after the first backoff
   * delay, with the attempts of a single transfer (unless it has a live one already).
   */
  retryAlone(transferId: string): Promise<boolean> {
    return this.jobs.ensureQueued(transferId, { transferId }, { ...this.options(), delay: this.config.transferBackoffMs });
  }

  private async send(items: TransferJobData[]): Promise<void> {
    if (items.length === 1) return this.jobs.add(items[0].transferId, items[0], this.options());
    const adds: Promise<void>[] = [];
    for (let i = 0; i < items.length; i += MAX_TRANSFERS_PER_JOB) {
      const transfers = items.slice(i, i + MAX_TRANSFERS_PER_JOB);
      adds.push(this.batches.add(`batch-${transfers[0].transferId}`, { transfers }, this.options()));
    }
    await Promise.all(adds);
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
