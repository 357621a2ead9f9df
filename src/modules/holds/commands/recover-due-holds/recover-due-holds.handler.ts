import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { HoldsRepository } from '../../persistence/holds.repository';
import { HoldQueue } from '../../queue/hold-queue';
import { RecoverDueHoldsCommand } from './recover-due-holds.command';

const BATCH = 500;

/**
 * Re-schedules holds that should have been settled by now and are not (due for longer than
 * `olderThanMs`) and have no live job: an expiry whose job was lost, a decided hold whose settling
 * process died, a release waiting for room under MAX_BALANCE whose job gave up.
 */
@CommandHandler(RecoverDueHoldsCommand)
export class RecoverDueHoldsHandler implements ICommandHandler<RecoverDueHoldsCommand> {
  private readonly logger = new Logger(RecoverDueHoldsHandler.name);

  constructor(
    private readonly holds: HoldsRepository,
    private readonly queue: HoldQueue,
  ) {}

  async execute(cmd: RecoverDueHoldsCommand): Promise<{ examined: number; enqueued: number }> {
    const due = await this.holds.listDue(new Date(Date.now() - cmd.olderThanMs), BATCH);
    let enqueued = 0;
    for (const h of due) {
      if (await this.queue.ensureQueued(h._id, h.expires_at)) enqueued++;
    }
    if (enqueued) this.logger.log(`re-scheduled ${enqueued} of ${due.length} unsettled holds`);
    return { examined: due.length, enqueued };
  }
}
