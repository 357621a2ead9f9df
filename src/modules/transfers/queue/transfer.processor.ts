import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { processJobs } from '../../../infrastructure/queue-processing';
import { ExecuteTransferCommand } from '../commands/execute-transfer/execute-transfer.command';
import { acceptedRecordOf, EXECUTE_TRANSFER_JOB, TRANSFER_QUEUE, TransferJobData } from './transfer-queue';

/**
 * Thin Bull processor: each job dispatches the execute-transfer command; the last failed attempt fails
 * and refunds. Registered at bootstrap rather than with `@Process`, whose concurrency is fixed when the
 * class is loaded: it runs `TRANSFER_CONCURRENCY` jobs at once, read from the typed config.
 */
@Injectable()
export class TransferProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(TransferProcessor.name);

  constructor(
    private readonly commands: CommandBus,
    @InjectQueue(TRANSFER_QUEUE) private readonly queue: Queue<TransferJobData>,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    processJobs(this.queue, EXECUTE_TRANSFER_JOB, this.config.transferConcurrency, (job) => this.handle(job), this.logger);
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
}
