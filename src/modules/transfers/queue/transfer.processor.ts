import { Process, Processor } from '@nestjs/bull';
import { workerConcurrency } from '../../../config/app-config';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bull';
import { ExecuteTransferCommand } from '../commands/execute-transfer/execute-transfer.command';
import { EXECUTE_TRANSFER_JOB, TRANSFER_QUEUE, TransferJobData } from './transfer-queue';

/** Thin Bull processor: each job dispatches the execute-transfer command; the last failed attempt fails and refunds. */
@Processor(TRANSFER_QUEUE)
export class TransferProcessor {
  constructor(private readonly commands: CommandBus) {}

  @Process({ name: EXECUTE_TRANSFER_JOB, concurrency: workerConcurrency() })
  async handle(job: Job<TransferJobData>) {
    try {
      return await this.commands.execute(new ExecuteTransferCommand(job.data.transferId));
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        return this.commands.execute(new ExecuteTransferCommand(job.data.transferId, 'RETRIES_EXHAUSTED'));
      }
      throw err;
    }
  }
}
