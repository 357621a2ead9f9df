import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TRANSFER_CLOCK, TRANSFER_JOBS, TRANSFER_STORE, TransferClock, TransferJobs, TransferStore } from '../../ports/transfer.ports';
import { RecoverPendingTransfersCommand } from './recover-pending-transfers.command';

const BATCH = 500;

/**
 * Re-enqueues unsettled transfers that have no live job (neither under their id nor in an
 * `execute-transfers` job among the oldest ones): covers a crash between recording a transfer
 * and enqueueing it, a job lost with Redis data, and a job that failed for good before settling.
 */
@CommandHandler(RecoverPendingTransfersCommand)
export class RecoverPendingTransfersHandler implements ICommandHandler<RecoverPendingTransfersCommand> {
  private readonly logger = new Logger(RecoverPendingTransfersHandler.name);

  constructor(
    @Inject(TRANSFER_STORE) private readonly transfers: TransferStore,
    @Inject(TRANSFER_JOBS) private readonly queue: TransferJobs,
    @Inject(TRANSFER_CLOCK) private readonly clock: TransferClock,
  ) {}

  async execute(cmd: RecoverPendingTransfersCommand): Promise<{ examined: number; enqueued: number }> {
    const pending = await this.transfers.listPendingBefore(new Date(this.clock.now() - cmd.olderThanMs), BATCH);
    if (pending.length === 0) return { examined: 0, enqueued: 0 };
    // A transfer still waiting in an execute-transfers job (a backlog) has a live job, though not under its id.
    const batched = await this.queue.inLiveBatches(BATCH);
    let enqueued = 0;
    for (const p of pending) {
      if (!batched.has(p._id) && (await this.queue.ensureQueued(p._id))) enqueued++;
    }
    if (enqueued) this.logger.log(`re-enqueued ${enqueued} of ${pending.length} unsettled transfers`);
    return { examined: pending.length, enqueued };
  }
}
