import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { processJobs } from '../../../infrastructure/queue-processing';
import { ExecuteTransferCommand } from '../commands/execute-transfer/execute-transfer.command';
import { acceptedRecordOf, EXECUTE_TRANSFER_JOB, EXECUTE_TRANSFERS_JOB, TRANSFER_QUEUE, TransferBatchJobData, TransferJobData, TransferQueue } from './transfer-queue';

/**
 * Thin Bull processor: a job dispatches the execute-transfer command for its transfer, or for each of
 * its transfers at once (`execute-transfers`). A transfer's last failed attempt fails and refunds it; a
 * transfer whose run fails in an `execute-transfers` job goes on in its own job, with its own attempts.
 * Registered at bootstrap rather than with `@Process`, whose concurrency is fixed when the class is
 * loaded: it runs `TRANSFER_CONCURRENCY` jobs of each kind at once, read from the typed config.
 */
@Injectable()
export class TransferProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(TransferProcessor.name);

  constructor(
    private readonly commands: CommandBus,
    @InjectQueue(TRANSFER_QUEUE) private readonly queue: Queue<TransferJobData>,
    private readonly config: AppConfig,
    private readonly transfers: TransferQueue,
  ) {}

  onApplicationBootstrap(): void {
    processJobs(this.queue, EXECUTE_TRANSFER_JOB, this.config.transferConcurrency, (job) => this.handle(job), this.logger);
    const batches = this.queue as unknown as Queue<TransferBatchJobData>;
    processJobs(batches, EXECUTE_TRANSFERS_JOB, this.config.transferConcurrency, (job) => this.handleBatch(job), this.logger);
  }

  async handle(job: Job<TransferJobData>) {
    try {
      // The first attempt settles from the record the job carries; a retry reads the record.
      const accepted = job.attemptsMade === 0 ? acceptedRecordOf(job.data) : null;
      return await this.commands.execute(new ExecuteTransferCommand(job.data.transferId, undefined, accepted ?? undefined));
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        return this.commands.execute(new ExecuteTransferCommand(job.data.transferId, 'RETRIES_EXHAUSTED'));
      }
      throw err;
    }
  }

  /**
   * Settles the job's transfers together (their writes share round trips). Each that fails is handed to
   * a job of its own; the job fails (and Bull runs it again) only if that hand-off does.
   */
  async handleBatch(job: Job<TransferBatchJobData>): Promise<{ statuses: Record<string, string> }> {
    const items = job.data.transfers;
    const runs = await Promise.allSettled(
      items.map((t) => this.commands.execute(new ExecuteTransferCommand(t.transferId, undefined, (job.attemptsMade === 0 && acceptedRecordOf(t)) || undefined))),
    );
    const statuses: Record<string, string> = {};
    const failed: string[] = [];
    runs.forEach((run, i) => {
      const id = items[i].transferId;
      if (run.status === 'fulfilled') statuses[id] = run.value.status;
      else {
        failed.push(id);
        statuses[id] = 'RETRIED_ALONE';
        this.logger.warn(`transfer ${id} failed in job ${job.id}, it goes on in its own job: ${(run.reason as Error).message}`);
      }
    });
    await Promise.all(failed.map((id) => this.transfers.retryAlone(id)));
    return { statuses };
  }
}
