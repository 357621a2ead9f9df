import { Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'paused']);
const STUCK_RECHECK_MS = 200;

/**
 * Jobs of one Bull queue keyed by the id of what they act on (job id = transfer id, hold id), so a
 * thing has at most one live job; their handlers are idempotent, so a duplicate costs reads only.
 */
export class KeyedJobs<T> {
  private readonly logger: Logger;

  constructor(
    private readonly queue: Queue<T>,
    private readonly jobName: string,
    /** How long an add may wait for Redis (`ENQUEUE_TIMEOUT_MS`). */
    private readonly timeoutMs: number,
  ) {
    this.logger = new Logger(`KeyedJobs(${queue.name})`);
  }

  /**
   * Adds job `id`. Bull's Redis client waits for Redis without end, so the wait is bounded: past it this
   * rejects, while the add may still complete once Redis answers (the job id makes a second add a no-op).
   */
  async add(id: string, data: T, options: JobOptions): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the queue did not take the job within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.queue.add(this.jobName, data, { ...options, jobId: id }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Adds job `id` unless a live one exists; a finished or lost job is replaced. True when a job was added. */
  async ensureQueued(id: string, data: T, options: JobOptions): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (job) {
      let state = await job.getState();
      // Bull reads its lists one after another, so a job moving from waiting to active in between
      // reads as "stuck": look again before taking it for lost.
      if (state === 'stuck') {
        await new Promise((resolve) => setTimeout(resolve, STUCK_RECHECK_MS));
        state = await job.getState();
      }
      if (LIVE_STATES.has(state)) return false;
      await job.remove().catch((err: Error) => this.logger.warn(`could not remove old job ${id}: ${err.message}`));
    }
    await this.add(id, data, options);
    return true;
  }
}
