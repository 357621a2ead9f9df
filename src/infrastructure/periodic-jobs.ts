import { BullModule, InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bull';
import { processJobs } from './queue-processing';

/** The Bull queue of the periodic background work (sweeps, purges), shown in Bull Board. */
export const PERIODIC_QUEUE = 'periodic';

export interface PeriodicJob {
  /** The job name, also the repeat job id: every worker process registers the one schedule of that name. */
  name: string;
  /** Milliseconds between two runs (an `AppConfig` interval). */
  every: number;
  /** The work. Bull delivers at least once, and runs may overlap across processes: it must be safe to repeat. */
  run: () => Promise<unknown>;
}

/** The schedules are added again at least this often, so a Redis that lost its data gets them back. */
const RESCHEDULE_MAX_MS = 60_000;

/**
 * Periodic work as Bull repeatable jobs on the `periodic` queue: one schedule per job name (fixed job
 * id) whatever the number of worker processes, and each tick runs in one of them. Worker-only services
 * `register` their jobs in `onModuleInit`; at bootstrap this process starts handling them and adds the
 * schedules (a schedule of the same name at another interval, left by an earlier configuration, is
 * removed). Adding a schedule again is a no-op while it exists (the next tick's job id is derived from
 * its time), so every process re-adds them at the shortest interval (at most every minute): after
 * Redis lost its data, the sweeps that recover from that loss start again by themselves.
 * A process that registered nothing (`APP_ROLE=api`) neither handles nor schedules anything.
 */
@Injectable()
export class PeriodicJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PeriodicJobs.name);
  private readonly jobs = new Map<string, PeriodicJob>();
  /** Jobs running in this process: a tick that comes while the previous run is still at work is skipped. */
  private readonly running = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(@InjectQueue(PERIODIC_QUEUE) private readonly queue: Queue) {}

  register(job: PeriodicJob): void {
    if (this.jobs.has(job.name)) throw new Error(`Periodic job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
  }

  onApplicationBootstrap(): void {
    if (this.jobs.size === 0) return;
    // Every handler is set before Bull fetches a job (it fails a job whose name has no handler).
    for (const job of this.jobs.values()) {
      processJobs(this.queue, job.name, 1, () => this.run(job), this.logger);
    }
    void this.schedule();
    const every = Math.min(RESCHEDULE_MAX_MS, ...[...this.jobs.values()].map((j) => j.every));
    this.timer = setInterval(() => void this.schedule(), every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Adds the schedules (a no-op for those that exist); removes those of a registered name at another interval. */
  async schedule(): Promise<void> {
    try {
      for (const r of await this.queue.getRepeatableJobs()) {
        const job = this.jobs.get(r.name);
        if (job && Number(r.every) !== job.every) await this.queue.removeRepeatableByKey(r.key);
      }
      for (const job of this.jobs.values()) {
        await this.queue.add(job.name, {}, { repeat: { every: job.every }, jobId: job.name, removeOnComplete: 10, removeOnFail: 50 });
      }
    } catch (err) {
      this.logger.warn(`periodic jobs not scheduled (retried in a moment): ${(err as Error).message}`);
    }
  }

  private async run(job: PeriodicJob): Promise<void> {
    if (this.running.has(job.name)) return;
    this.running.add(job.name);
    try {
      await job.run();
    } catch (err) {
      this.logger.warn(`${job.name} failed: ${(err as Error).message}`);
      throw err;
    } finally {
      this.running.delete(job.name);
    }
  }
}

/** The `periodic` queue and `PeriodicJobs`, one instance for every module that imports it. */
@Module({
  imports: [BullModule.registerQueue({ name: PERIODIC_QUEUE })],
  providers: [PeriodicJobs],
  exports: [PeriodicJobs],
})
export class PeriodicJobsModule {}
